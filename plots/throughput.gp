# plots/throughput.gp - TCP receive throughput vs number of connections, per
# mode (the paper's Fig. 13). Variables: data (results.csv), out (PNG).
set datafile separator ','
set terminal pngcairo size 900,560 font ',11'
set output out
set title 'TCP receive throughput vs connections'
set xlabel 'connections'
set ylabel 'throughput (Gbit/s)'
set logscale x 2
set grid
set key top left
set yrange [0:*]
plot data using 3:(strcol(2) eq 'lro' ? $9 : 1/0) with linespoints lw 2 pt 7 title 'LRO (NPU)', \
     data using 3:(strcol(2) eq 'nic' ? $9 : 1/0) with linespoints lw 2 pt 5 title 'plain NIC'
