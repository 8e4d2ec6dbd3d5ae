# gnuplot script written by bench/lib/report.py; run from this directory.
set terminal pngcairo size 960,600 font "sans,11"
set output 'recall_vs_rate.png'
set title "dense /16: recall against requested rate"
set xlabel "requested rate (probes/s; max = unlimited)"
set ylabel "recall (live hosts found / live hosts); bars: min..max"
set xrange [-0.4:2.400000]
set yrange [0.388583:1.01]
set xtics ("100k" 0, "400k" 1, "max" 2)
set grid ytics
set key outside right top
plot 'recall_vs_rate.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 5 ps 1.3 title 'icmpsweep 0.1.0', 'recall_vs_rate.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 1.3 title 'zmap 4.3.4', 'recall_vs_rate.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 9 ps 1.3 title 'zmap 2.1.1 (Debian)', 'recall_vs_rate.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 11 ps 1.3 title 'masscan 1.3.2', 'recall_vs_rate.dat' index 4 using 1:2:3:4 with yerrorlines lw 2 pt 13 ps 1.3 title 'fping 5.1', 'recall_vs_rate.dat' index 5 using 1:2:3:4 with yerrorlines lw 2 pt 15 ps 1.3 title 'nmap 7.93'
