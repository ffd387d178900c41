# plots/connections.gp - when each connection sent its first SYN, was
# established and completed. Variables: data (connections.csv), dir, title_run.
set datafile separator ','
set terminal pngcairo size 900,600 font ',11'
set output dir.'/connections.png'
set title 'connection timeline, '.title_run
set xlabel 'simulated time (s)'
set ylabel 'connection'
set grid
set key outside bottom center horizontal
plot data using 2:1 every ::1 with points pt 2 ps 0.8 title 'first SYN', \
     data using 4:1 every ::1 with points pt 7 ps 0.6 title 'established', \
     data using 5:1 every ::1 with points pt 6 ps 0.8 title 'completed', \
     data using 2:1:($3 > 0 ? $3 : 1/0) every ::1 with labels offset 1,0 font ',8' title ''
