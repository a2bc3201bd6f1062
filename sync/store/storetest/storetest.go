// Package storetest is the conformance suite every store.Store must pass:
// store.NewMemory and store.Open run it, and so should a store on a
// shared SQL database.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openMyStore(t) })
//	}
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

// Run runs the suite. newStore is called once per subtest and must return
// an empty store; Run closes it at the end of the subtest (closing twice
// must succeed, so a t.Cleanup in newStore that closes too is fine).
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			require.NotNil(t, s)
			t.Cleanup(func() { _ = s.Close() })
			tc.run(t, s)
		})
	}
}

var tests = []struct {
	name string
	run  func(t *testing.T, s store.Store)
}{
	{"GetMissing", testGetMissing},
	{"PutGet", testPutGet},
	{"ValuesAreCopies", testValuesAreCopies},
	{"Delete", testDelete},
	{"PutMany", testPutMany},
	{"PutManyIsAtomic", testPutManyAtomic},
	{"List", testList},
	{"ListManyPages", testListManyPages},
	{"ListWhileWriting", testListWhileWriting},
	{"ListStops", testListStops},
	{"BucketsAreSeparate", testBuckets},
	{"InvalidNames", testInvalid},
	{"CancelledContext", testCancelled},
	{"Closed", testClosed},
	{"Concurrent", testConcurrent},
	{"Update", testUpdate},
}

func testGetMissing(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.Get(ctx, "never", "k")
	require.ErrorIs(t, err, store.ErrNotFound, "absent bucket")
	require.NoError(t, s.Put(ctx, "b", "k", []byte("v")))
	_, err = s.Get(ctx, "b", "other")
	require.ErrorIs(t, err, store.ErrNotFound, "absent key")
	assert.Contains(t, err.Error(), `"other"`, "the error names the key")
}

func testPutGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, tc := range []struct {
		name, key string
		value     []byte
	}{
		{"text", "result/123/BSBLDR501", []byte(`{"outcome":"20"}`)},
		{"binary", "bin", []byte{0, 1, 2, 0xff, 0}},
		{"empty value", "empty", []byte{}},
		{"nil value", "nil", nil},
		{"non-ASCII key", "Zoë/日本/%2F", []byte("x")},
		{"longest key", strings.Repeat("k", store.MaxKeyLen), []byte("long")},
	} {
		require.NoError(t, s.Put(ctx, "b", tc.key, tc.value), tc.name)
		got, err := s.Get(ctx, "b", tc.key)
		require.NoError(t, err, tc.name)
		assert.Equal(t, len(tc.value), len(got), tc.name)
		assert.True(t, bytes.Equal(tc.value, got), tc.name)
	}
	require.NoError(t, s.Put(ctx, "b", "text", []byte("replaced")))
	got, err := s.Get(ctx, "b", "text")
	require.NoError(t, err)
	assert.Equal(t, "replaced", string(got))
}

func testValuesAreCopies(t *testing.T, s store.Store) {
	ctx := t.Context()
	in := []byte("original")
	require.NoError(t, s.Put(ctx, "b", "k", in))
	in[0] = 'X'
	out, err := s.Get(ctx, "b", "k")
	require.NoError(t, err)
	assert.Equal(t, "original", string(out), "changing the slice after Put must not change the store")
	out[0] = 'Y'
	again, err := s.Get(ctx, "b", "k")
	require.NoError(t, err)
	assert.Equal(t, "original", string(again), "changing a returned slice must not change the store")
	for kv, err := range s.List(ctx, "b", "") {
		require.NoError(t, err)
		kv.Value[0] = 'Z'
	}
	again, err = s.Get(ctx, "b", "k")
	require.NoError(t, err)
	assert.Equal(t, "original", string(again), "changing a listed slice must not change the store")
}

func testDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.Put(ctx, "b", "k", []byte("v")))
	require.NoError(t, s.Delete(ctx, "b", "k"))
	_, err := s.Get(ctx, "b", "k")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, s.Delete(ctx, "b", "k"), "deleting an absent key")
	require.NoError(t, s.Delete(ctx, "never", "k"), "deleting in an absent bucket")
}

func testPutMany(t *testing.T, s store.Store) {
	ctx := t.Context()
	kv := map[string][]byte{}
	for i := range 50 {
		kv[fmt.Sprintf("k%02d", i)] = []byte(fmt.Sprint(i))
	}
	require.NoError(t, s.PutMany(ctx, "b", kv))
	require.NoError(t, s.PutMany(ctx, "b", nil), "an empty batch")
	for k, v := range kv {
		got, err := s.Get(ctx, "b", k)
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
}

func testPutManyAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.Put(ctx, "b", "a", []byte("before")))
	err := s.PutMany(ctx, "b", map[string][]byte{
		"a": []byte("after"),
		"b": []byte("new"),
		"":  []byte("an empty key is invalid"),
	})
	require.ErrorIs(t, err, store.ErrInvalid)
	got, err := s.Get(ctx, "b", "a")
	require.NoError(t, err)
	assert.Equal(t, "before", string(got), "a failed batch changes nothing")
	_, err = s.Get(ctx, "b", "b")
	assert.ErrorIs(t, err, store.ErrNotFound, "a failed batch adds nothing")
}

func keys(t *testing.T, s store.Store, bucket, prefix string) []string {
	t.Helper()
	out := []string{}
	for kv, err := range s.List(t.Context(), bucket, prefix) {
		require.NoError(t, err)
		out = append(out, kv.Key)
	}
	return out
}

func testList(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, k := range []string{"b/2", "a/1", "a/3", "a/2", "é", "a", "ab", "z"} {
		require.NoError(t, s.Put(ctx, "b", k, []byte("v:"+k)))
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a", "a/1", "a/2", "a/3", "ab", "b/2", "z", "é"}},
		{"a/", []string{"a/1", "a/2", "a/3"}},
		{"a", []string{"a", "a/1", "a/2", "a/3", "ab"}},
		{"b/2", []string{"b/2"}},
		{"c", []string{}},
		{"é", []string{"é"}},
	} {
		assert.Equal(t, tc.want, keys(t, s, "b", tc.prefix), "prefix %q", tc.prefix)
	}
	assert.Equal(t, []string{}, keys(t, s, "never", ""), "an absent bucket lists nothing")
	for kv, err := range s.List(ctx, "b", "a/1") {
		require.NoError(t, err)
		assert.Equal(t, "v:a/1", string(kv.Value))
	}
}

func testListManyPages(t *testing.T, s store.Store) {
	ctx := t.Context()
	n := 1300
	if testing.Short() {
		n = 600
	}
	kv := map[string][]byte{}
	var want []string
	for i := range n {
		k := fmt.Sprintf("item/%05d", i)
		kv[k] = []byte(k)
		want = append(want, k)
	}
	require.NoError(t, s.PutMany(ctx, "b", kv))
	require.NoError(t, s.Put(ctx, "b", "itex", []byte("after the prefix")))
	got := keys(t, s, "b", "item/")
	assert.Equal(t, want, got)
}

func testListWhileWriting(t *testing.T, s store.Store) {
	ctx := t.Context()
	kv := map[string][]byte{}
	// More than one page of a paging List, and enough growth to make
	// bbolt remap its file.
	const n = 300
	for i := range n {
		kv[fmt.Sprintf("k%04d", i)] = bytes.Repeat([]byte("x"), 512)
	}
	require.NoError(t, s.PutMany(ctx, "b", kv))
	seen := 0
	for e, err := range s.List(ctx, "b", "k") {
		require.NoError(t, err)
		// Writing (and growing the file) inside the loop must not deadlock.
		require.NoError(t, s.Put(ctx, "other", e.Key, bytes.Repeat([]byte("y"), 4096)))
		require.NoError(t, s.Delete(ctx, "b", e.Key))
		seen++
	}
	assert.Equal(t, n, seen, "deleting listed keys must not skip others")
	assert.Equal(t, []string{}, keys(t, s, "b", ""))
	assert.Len(t, keys(t, s, "other", ""), n)
}

func testListStops(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i := range 5 {
		require.NoError(t, s.Put(ctx, "b", fmt.Sprint(i), nil))
	}
	n := 0
	for _, err := range s.List(ctx, "b", "") {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func testBuckets(t *testing.T, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.Put(ctx, "one", "k", []byte("1")))
	require.NoError(t, s.Put(ctx, "two", "k", []byte("2")))
	require.NoError(t, s.Put(ctx, "one/sub", "k", []byte("3")))
	for bucket, want := range map[string]string{"one": "1", "two": "2", "one/sub": "3"} {
		got, err := s.Get(ctx, bucket, "k")
		require.NoError(t, err)
		assert.Equal(t, want, string(got), bucket)
	}
	require.NoError(t, s.Delete(ctx, "one", "k"))
	_, err := s.Get(ctx, "two", "k")
	assert.NoError(t, err, "deleting in one bucket leaves the others")
	assert.Equal(t, []string{"k"}, keys(t, s, "one/sub", ""))
}

func testInvalid(t *testing.T, s store.Store) {
	ctx := t.Context()
	long := strings.Repeat("k", store.MaxKeyLen+1)
	for _, tc := range []struct{ name, bucket, key string }{
		{"empty bucket", "", "k"},
		{"empty key", "b", ""},
		{"key too long", "b", long},
		{"bucket too long", strings.Repeat("b", store.MaxBucketLen+1), "k"},
		{"invalid UTF-8 key", "b", "bad\xff"},
		{"NUL in key", "b", "a\x00b"},
		{"NUL in bucket", "b\x00", "k"},
	} {
		assert.ErrorIs(t, s.Put(ctx, tc.bucket, tc.key, []byte("v")), store.ErrInvalid, "Put: %s", tc.name)
		_, err := s.Get(ctx, tc.bucket, tc.key)
		assert.ErrorIs(t, err, store.ErrInvalid, "Get: %s", tc.name)
		assert.ErrorIs(t, s.Delete(ctx, tc.bucket, tc.key), store.ErrInvalid, "Delete: %s", tc.name)
		assert.ErrorIs(t, s.PutMany(ctx, tc.bucket, map[string][]byte{tc.key: nil}), store.ErrInvalid, "PutMany: %s", tc.name)
	}
	for _, err := range s.List(ctx, "", "") {
		assert.ErrorIs(t, err, store.ErrInvalid, "List with an empty bucket")
	}
	if !testing.Short() {
		err := s.Put(ctx, "b", "big", make([]byte, store.MaxValueLen+1))
		assert.ErrorIs(t, err, store.ErrInvalid, "value over MaxValueLen")
	}
	err := s.Put(ctx, "b", long, nil)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "errors cut huge keys short")
}

func testCancelled(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	require.NoError(t, s.Put(t.Context(), "b", "k", []byte("v")))
	cancel()
	assert.ErrorIs(t, s.Put(ctx, "b", "k2", nil), context.Canceled)
	_, err := s.Get(ctx, "b", "k")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.PutMany(ctx, "b", map[string][]byte{"k3": nil}), context.Canceled)
	assert.ErrorIs(t, s.Delete(ctx, "b", "k"), context.Canceled)
	n := 0
	for _, err := range s.List(ctx, "b", "") {
		assert.ErrorIs(t, err, context.Canceled)
		n++
	}
	assert.Equal(t, 1, n, "List yields the context's error once")
	assert.Equal(t, []string{"k"}, keys(t, s, "b", ""), "nothing was written or deleted")
}

func testClosed(t *testing.T, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.Put(ctx, "b", "k", []byte("v")))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice")
	assert.ErrorIs(t, s.Put(ctx, "b", "k", nil), store.ErrClosed)
	_, err := s.Get(ctx, "b", "k")
	assert.ErrorIs(t, err, store.ErrClosed)
	assert.ErrorIs(t, s.PutMany(ctx, "b", map[string][]byte{"k": nil}), store.ErrClosed)
	assert.ErrorIs(t, s.Delete(ctx, "b", "k"), store.ErrClosed)
	for _, err := range s.List(ctx, "b", "") {
		assert.ErrorIs(t, err, store.ErrClosed)
	}
}

func testConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				k := fmt.Sprintf("w%d/%02d", w, i)
				assert.NoError(t, s.Put(ctx, "b", k, []byte(k)))
				v, err := s.Get(ctx, "b", k)
				assert.NoError(t, err)
				assert.Equal(t, k, string(v))
				for _, err := range s.List(ctx, "b", fmt.Sprintf("w%d/", w)) {
					assert.NoError(t, err)
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, keys(t, s, "b", ""), 100)
}

// testUpdate checks store.Updater where the store implements it: fn sees
// the current value, its result is stored, store.ErrDeleteKey removes the
// key, any other error stores nothing, and concurrent updates of one key
// never lose one another's writes.
func testUpdate(t *testing.T, s store.Store) {
	u, ok := s.(store.Updater)
	if !ok {
		t.Skip("the store does not implement store.Updater (leases need it)")
	}
	ctx := t.Context()
	require.NoError(t, u.Update(ctx, "b", "k", func(old []byte, found bool) ([]byte, error) {
		assert.False(t, found, "an absent key is not found")
		assert.Empty(t, old)
		return []byte("1"), nil
	}))
	v, err := s.Get(ctx, "b", "k")
	require.NoError(t, err)
	assert.Equal(t, "1", string(v))

	boom := errors.New("boom")
	err = u.Update(ctx, "b", "k", func(old []byte, found bool) ([]byte, error) {
		assert.True(t, found)
		assert.Equal(t, "1", string(old))
		return []byte("2"), boom
	})
	require.ErrorIs(t, err, boom, "fn's error comes back")
	v, err = s.Get(ctx, "b", "k")
	require.NoError(t, err)
	assert.Equal(t, "1", string(v), "fn's error stores nothing")

	require.NoError(t, u.Update(ctx, "b", "k", func([]byte, bool) ([]byte, error) { return nil, store.ErrDeleteKey }))
	_, err = s.Get(ctx, "b", "k")
	require.ErrorIs(t, err, store.ErrNotFound, "ErrDeleteKey removes the key")
	require.NoError(t, u.Update(ctx, "b", "k", func([]byte, bool) ([]byte, error) { return nil, store.ErrDeleteKey }),
		"deleting an absent key succeeds")

	const workers, each = 4, 10
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				assert.NoError(t, u.Update(ctx, "b", "n", func(old []byte, _ bool) ([]byte, error) {
					n, _ := strconv.Atoi(string(old))
					return []byte(strconv.Itoa(n + 1)), nil
				}))
			}
		}()
	}
	wg.Wait()
	v, err = s.Get(ctx, "b", "n")
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(workers*each), string(v), "no update lost")
}
