# plots/threads.gp - NPU hardware thread utilisation: issuing and stalled on
# DRAM. Variables: data (threads.csv), dir, title_run.
set datafile separator ','
set terminal pngcairo size 900,520 font ',11'
set output dir.'/threads.png'
set title 'NPU thread utilisation, '.title_run
set xlabel 'hardware thread (role)'
set ylabel 'fraction of the run'
set yrange [0:1]
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.8
set key top right
plot data using 3:xtic(sprintf('%d %s', $1, strcol(2))) every ::1 title 'busy (issuing)', \
     '' using 4 every ::1 title 'stalled on DRAM'
