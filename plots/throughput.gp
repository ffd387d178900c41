# plots/throughput.gp - TCP receive throughput vs number of connections, per
# mode (the paper's Fig. 13): each point's median over its runs, the bars
# its range. Variables: data (points.csv), out (PNG).
set datafile separator ','
set terminal pngcairo size 900,560 font ',11'
set output out
set title 'TCP receive throughput vs connections (median, range over runs)'
set xlabel 'connections'
set ylabel 'throughput (Gbit/s)'
set logscale x 2
set grid
set key top left
set yrange [0:*]
# columns: 2 mode, 3 connections, 9 median, 10 min, 11 max
plot data using 3:(strcol(2) eq 'lro' ? $9 : 1/0):10:11 with yerrorlines lw 2 pt 7 title 'LRO (NPU)', \
     data using 3:(strcol(2) eq 'nic' ? $9 : 1/0):10:11 with yerrorlines lw 2 pt 5 title 'plain NIC', \
     4.75 with lines dt 2 lc rgb 'gray40' title 'paper: LRO plateau 4.75'
