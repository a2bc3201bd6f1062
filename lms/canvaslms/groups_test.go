package canvaslms_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// Groups created in parallel in one course share one group category, and
// the category is looked up once, not once per group.
func TestParallelCreateGroupSharesOneCategory(t *testing.T) {
	l, srv := newLMS(t)
	ctx := context.Background()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "IST101", Name: "Stats", Code: "IST101"})
	require.NoError(t, err)
	srv.ResetCalls()

	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = l.CreateGroup(ctx, lms.Group{SISID: fmt.Sprintf("G%d", i), CourseSISID: "IST101", Name: fmt.Sprintf("Term %d", i)})
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	cats := map[int64]bool{}
	for _, g := range srv.Groups(0) {
		cats[g.CategoryID] = true
	}
	assert.Len(t, cats, 1)
	assert.Equal(t, 1, srv.Calls()["POST courses/{id}/group_categories"], "one category made: %v", srv.Calls())
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}/group_categories"])
}
