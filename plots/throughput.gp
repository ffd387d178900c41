# plots/throughput.gp - TCP receive throughput, each point's median over its
# runs with its range as bars: one series per combination of the swept keys
# other than the x axis (connections, or the one key swept). The paper's
# 4.75 Gbit/s LRO plateau is drawn for the Fig. 13 scenarios only.
# Variables (strings): data (the series, one gnuplot `index` block each:
# x, x label, median, min, max, tab-separated), out (PNG), xkey (x axis's
# key), xnumeric and logx ('1'/'0'), keytitle (the series' keys), nseries,
# title1..titleN, paper ('1': draw the paper's line).
set datafile separator '\t'
set terminal pngcairo size 1000,560 font ',11' noenhanced
set output out
set title sprintf('TCP receive throughput vs %s (median, bars: range over runs)', xkey)
set xlabel xkey
set ylabel 'throughput (Gbit/s)'
if (logx + 0) { set logscale x 2 }
if (!(xnumeric + 0)) { set offsets 0.5, 0.5, 0, 0 }
set grid
# the legend beside the plot, never over the data
set key outside right top vertical Left reverse box
if (strlen(keytitle) > 0) { set key title keytitle }
set yrange [0:*]
set style data yerrorlines
if (xnumeric + 0) {
	plot for [i = 1:nseries] data index (i - 1) using 1:3:4:5 lw 2 pt 7 \
		title value(sprintf('title%d', i)), \
	     (paper + 0 ? 4.75 : 1/0) with lines dt 2 lc rgb 'gray40' title (paper + 0 ? 'paper: LRO plateau 4.75' : '')
} else {
	plot for [i = 1:nseries] data index (i - 1) using 1:3:4:5:xtic(2) lw 2 pt 7 \
		title value(sprintf('title%d', i)), \
	     (paper + 0 ? 4.75 : 1/0) with lines dt 2 lc rgb 'gray40' title (paper + 0 ? 'paper: LRO plateau 4.75' : '')
}
