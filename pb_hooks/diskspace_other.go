//go:build !unix

package pb_hooks

import "errors"

// diskSpace is not measured on this system; the health page says so.
func diskSpace(dir string) (free, total uint64, err error) {
	return 0, 0, errors.New("tidak tersedia di sistem operasi ini")
}
