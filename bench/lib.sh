# Shared by the benchmark scripts (source it): the median of numbers on
# stdin, and a command's wall time and peak RSS ("SECONDS KIB"); timed needs
# $work set to a scratch folder.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
timed() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1; cat "$work/time.txt"; }
