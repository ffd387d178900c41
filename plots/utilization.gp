# plots/utilization.gp - why the LRO curve has its shape: per connection count,
# the median over its runs of each resource's utilization (points.csv), and
# the number of rx threads at least 80 % busy (right axis). The resource
# nearest to 1 is the run's bound_by. Variables: data (points.csv), out (PNG).
set datafile separator ','
set datafile columnheaders
set terminal pngcairo size 900,560 font ',11'
set output out
set xlabel 'connections'
set ylabel 'utilization'
set y2label 'rx threads >= 80 % busy'
set logscale x 2
set grid
set key bottom right
set yrange [0:1.05]
set y2range [0:13.65]
set y2tics 0, 2, 13
set ytics nomirror
# LRO's points, or the plain NIC's in a scenario without LRO
stats data using (strcol('mode') eq 'lro' ? 1 : 0) nooutput
mode = STATS_sum > 0 ? 'lro' : 'nic'
set title sprintf('%s: utilizations vs connections (median over runs)', mode eq 'lro' ? 'LRO' : 'plain NIC')
lro(c) = strcol('mode') eq mode ? column(c) : 1/0
plot data using 'connections':(lro('util_dma')) with linespoints lw 2 pt 7 title 'DMA engine', \
     data using 'connections':(lro('util_pcie')) with linespoints lw 2 pt 5 title 'PCIe', \
     data using 'connections':(lro('util_ddr')) with linespoints lw 2 pt 9 title 'NPU DDR', \
     data using 'connections':(lro('util_host_cpu')) with linespoints lw 2 pt 11 title 'host CPU', \
     data using 'connections':(lro('util_rx_thread_max')) with linespoints lw 2 pt 13 title 'busiest rx thread', \
     data using 'connections':(lro('util_rx_thread_median')) with linespoints lw 2 dt 2 pt 13 title 'median rx thread', \
     data using 'connections':(lro('rx_threads_busy')) axes x1y2 with steps lw 1 lc rgb 'gray40' title 'busy rx threads'
