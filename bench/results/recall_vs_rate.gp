# gnuplot script written by bench/lib/report.py; run from this directory.
set terminal pngcairo size 960,600 font "sans,11"
set output 'recall_vs_rate.png'
set title "dense /16: recall against requested rate"
set xlabel "requested rate (probes/s; max = unlimited)"
set ylabel "recall (live hosts found / live hosts); bars: min..max"
set xrange [-0.4:4.400000]
set yrange [0.793872:1.01]
set xtics ("50k" 0, "100k" 1, "200k" 2, "400k" 3, "max" 4)
set grid ytics
set key outside right top
plot 'recall_vs_rate.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 5 ps 1.3 title 'icmpsweep', 'recall_vs_rate.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 1.3 title 'zmap', 'recall_vs_rate.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 9 ps 1.3 title 'masscan', 'recall_vs_rate.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 11 ps 1.3 title 'fping', 'recall_vs_rate.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 13 ps 1.3 title 'nmap'
