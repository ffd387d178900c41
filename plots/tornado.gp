# plots/tornado.gp - a sensitivity study's tornado plot for one output: per
# parameter (largest effect on top) the output with the parameter at the
# low and at the high end of its range, around the baseline. Variables:
# data (tornado-<output>.csv), out (PNG), output (its name).
set datafile separator ','
set terminal pngcairo size 1000,600 font ',10'
set output out
set title sprintf('sensitivity of %s: each free parameter at the ends of its range', output) noenhanced
set xlabel output noenhanced
set style fill solid 0.7 border -1
set key bottom right
set grid xtics
set yrange [*:*] reverse
set offsets 0, 0, 0.6, 0.6
set ytics noenhanced
lo(a, b) = a < b ? a : b
hi(a, b) = a > b ? a : b
stats data using 4 every ::1::1 nooutput
base = STATS_max
set arrow from base, graph 0 to base, graph 1 nohead lc rgb 'black'
plot data using (base):0:(lo($2, base)):(hi($2, base)):($0 - 0.38):($0):ytic(1) \
	every ::1 with boxxyerror lc rgb '#4477aa' title 'parameter at low', \
     data using (base):0:(lo($3, base)):(hi($3, base)):($0):($0 + 0.38) \
	every ::1 with boxxyerror lc rgb '#ee6677' title 'parameter at high'
