// This file defines the table: one line per figure, with its median, min-max,
// CPU, peak RSS, ratio to Cloudwerk's baseline, target and verdict.

package main

import (
	"fmt"
	"slices"
	"strings"
)

// line is one row of the printed table.
type line struct {
	figure    string
	n         string
	unit      string    // "ns", "MB" or "x"
	samples   []float64 // in unit, one per run
	cpu       float64   // median CPU time (user + system, ns); 0 when not measured
	rssMB     float64   // median peak RSS of the runs; 0 when not measured
	cloudwerk string    // ratio to Cloudwerk's baseline, e.g. "0.26x"
	baseline  string    // a reference figure when there is no ratio
	target    string
	verdict   string // "met", "NOT MET" or ""
	err       string // why the figure is missing
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// renderTable formats the lines as Markdown.
func renderTable(lines []line) string {
	var b strings.Builder
	b.WriteString("| figure | N | median | min-max | CPU | peak RSS | vs Cloudwerk | target | |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, l := range lines {
		med, spread, cpu, rss := "-", "-", "-", "-"
		switch {
		case l.err != "":
			med = l.err
		case len(l.samples) > 0:
			med = formatValue(median(l.samples), l.unit)
			if len(l.samples) > 1 {
				spread = formatValue(slices.Min(l.samples), l.unit) + " - " + formatValue(slices.Max(l.samples), l.unit)
			}
		}
		if l.cpu > 0 {
			cpu = formatValue(l.cpu, "ns")
		}
		if l.rssMB > 0 {
			rss = formatValue(l.rssMB, "MB")
		}
		ref := l.cloudwerk
		if ref == "" {
			ref = l.baseline
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			l.figure, l.n, med, spread, cpu, rss, dash(ref), dash(l.target), l.verdict)
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// formatValue prints a figure in a readable unit.
func formatValue(v float64, unit string) string {
	switch unit {
	case "ns":
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.1f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		default:
			return fmt.Sprintf("%.0f ns", v)
		}
	case "MB":
		return fmt.Sprintf("%.0f MB", v)
	case "x":
		return fmt.Sprintf("%.2fx", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}
