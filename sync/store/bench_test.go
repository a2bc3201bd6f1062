package store_test

import (
	"fmt"
	"testing"

	"github.com/vtsync/vtsync/sync/store"
)

func benchStores(b *testing.B, f func(b *testing.B, s store.Store)) {
	b.Run("memory", func(b *testing.B) { f(b, store.NewMemory()) })
	b.Run("bolt", func(b *testing.B) {
		db, err := store.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		f(b, db)
	})
}

// One fsync'd transaction per call on bolt: the cost of a ledger write.
func BenchmarkPut(b *testing.B) {
	benchStores(b, func(b *testing.B, s store.Store) {
		v := []byte(`{"outcome":"20","written_at":"2026-03-01T06:00:00Z"}`)
		for i := 0; b.Loop(); i++ {
			if err := s.Put(b.Context(), "ledger", fmt.Sprint("enrolment/", i%1000), v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// 500 entries in one transaction: the way to write a run's results.
func BenchmarkPutMany500(b *testing.B) {
	benchStores(b, func(b *testing.B, s store.Store) {
		kv := map[string][]byte{}
		for i := range 500 {
			kv[fmt.Sprint("enrolment/", i)] = []byte(`{"outcome":"20"}`)
		}
		for b.Loop() {
			if err := s.PutMany(b.Context(), "ledger", kv); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	benchStores(b, func(b *testing.B, s store.Store) {
		if err := s.Put(b.Context(), "ledger", "k", []byte("v")); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.Get(b.Context(), "ledger", "k"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkList10k(b *testing.B) {
	benchStores(b, func(b *testing.B, s store.Store) {
		kv := map[string][]byte{}
		for i := range 10000 {
			kv[fmt.Sprintf("enrolment/%05d", i)] = []byte(`{"outcome":"20"}`)
		}
		if err := s.PutMany(b.Context(), "ledger", kv); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			n := 0
			for _, err := range s.List(b.Context(), "ledger", "enrolment/") {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 10000 {
				b.Fatalf("listed %d", n)
			}
		}
	})
}
