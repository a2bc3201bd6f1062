package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SnapshotFileName is the name of the copy WriteSnapshot keeps next to
// FileName.
const SnapshotFileName = "vtsync.snapshot.db"

// WriteSnapshot writes a consistent copy of the store to SnapshotFileName
// in the store's directory, through a temporary file and a rename, so a
// reader never sees half a copy.
//
// It exists for readers in other processes: bbolt locks the file for the
// whole life of the process that opened it for writing (a long-running
// schedule), and a read-only open waits for that lock too. A process that
// only looks (a dry run, a status page) reads the snapshot instead, with
// OpenSnapshot.
func (d *DB) WriteSnapshot() (string, error) {
	if d.closed.Load() {
		return "", opError("snapshot", "", "", ErrClosed)
	}
	dir := filepath.Dir(d.path)
	tmp, err := os.CreateTemp(dir, ".vtsync-snapshot-*")
	if err != nil {
		return "", opError("snapshot", "", "", err)
	}
	defer os.Remove(tmp.Name())
	err = d.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", opError("snapshot", "", "", mapErr(err))
	}
	out := filepath.Join(dir, SnapshotFileName)
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", opError("snapshot", "", "", err)
	}
	return out, nil
}

// ErrNoSnapshot means OpenSnapshot found no snapshot in the directory.
var ErrNoSnapshot = errors.New("store: no snapshot")

// OpenSnapshot loads the snapshot WriteSnapshot left in dir into a Memory
// store, and returns when the snapshot was written. The copy is the
// reader's own: writes to it change nothing on disk, which suits a dry
// run. A missing snapshot is an error matching ErrNoSnapshot.
func OpenSnapshot(dir string) (*Memory, time.Time, error) {
	path := filepath.Join(dir, SnapshotFileName)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, time.Time{}, opError("open snapshot", "", "", fmt.Errorf("%w (%s)", ErrNoSnapshot, path))
	}
	if err != nil {
		return nil, time.Time{}, opError("open snapshot", "", "", err)
	}
	// Nobody writes the snapshot in place (WriteSnapshot renames a new
	// one over it), so a read-only open never waits for long.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return nil, time.Time{}, opError("open snapshot", "", "", fmt.Errorf("%s: %w", path, err))
	}
	defer db.Close()
	m := NewMemory()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			dst := m.bucket(string(name))
			return b.ForEach(func(k, v []byte) error {
				dst[string(k)] = cloneValue(v)
				return nil
			})
		})
	})
	if err != nil {
		return nil, time.Time{}, opError("open snapshot", "", "", err)
	}
	return m, fi.ModTime(), nil
}
