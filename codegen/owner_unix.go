//go:build unix

package codegen

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the temp file f the owner and group of the file it replaces
// (run with sudo, a rewrite must not hand the user's file to root). A group
// that cannot be kept is let go; an owner that cannot be kept is an error.
func keepOwner(f *os.File, old fs.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	cur, err := f.Stat()
	if err != nil {
		return err
	}
	now, ok := cur.Sys().(*syscall.Stat_t)
	if !ok || now.Uid == st.Uid && now.Gid == st.Gid {
		return nil
	}
	err = f.Chown(int(st.Uid), int(st.Gid))
	if err == nil || now.Uid != st.Uid {
		return err
	}
	if errors.Is(err, fs.ErrPermission) {
		return nil // same owner, a group this user is not in: keep the owner at least
	}
	return err
}
