# plots/dma_depth.gp - DMA request buffer depth and the age of its oldest
# waiting request over time, with each connection's first SYN (from the
# client) and its establishment marked along the bottom. Variables: data
# (dma_depth.csv), dir, title_run.
set datafile separator ','
set terminal pngcairo size 900,560 font ',11'
set output dir.'/dma_depth.png'
set title 'DMA request buffer, '.title_run
set xlabel 'simulated time (s)'
set ylabel 'requests waiting (max per interval)'
set y2label 'oldest request age (ms)'
set ytics nomirror
set y2tics
set grid
set key top left
set yrange [0:*]
conns = dir.'/connections.csv'
# connections.csv: conn, syn_first_s, syn_retransmits, established_s, ...
# (an empty field - never established - is skipped)
plot data using 1:2 every ::1 with steps lw 1.5 title 'depth', \
     data using 1:($3/1000) every ::1 axes x1y2 with lines lw 1.5 title 'oldest age', \
     conns using 2:(0) every ::1 with points pt 9 ps 1.3 lc rgb '#c00000' title 'first SYN', \
     conns using 4:(2) every ::1 with points pt 7 ps 0.7 lc rgb '#000000' title 'established'
