//go:build unix && !linux

package safefs

import "syscall"

func statMtime(st *syscall.Stat_t) syscall.Timespec { return st.Mtimespec }
func statCtime(st *syscall.Stat_t) syscall.Timespec { return st.Ctimespec }
