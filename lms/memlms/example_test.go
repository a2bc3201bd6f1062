package memlms_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
)

// A test of a sync: the first run creates, the second must write nothing.
func Example() {
	ctx := context.Background()
	m := memlms.New()

	sync := func() {
		// Stand-in for a Syncer: read, then write only what is missing.
		st, _ := m.ReadState(ctx, []string{"unit/IST101"})
		if len(st.Courses) == 0 {
			_, _ = m.CreateCourse(ctx, lms.Course{SISID: "unit/IST101", Name: "Intro to IT", Code: "IST101"})
		}
	}
	sync()
	m.ResetCalls()
	sync()
	fmt.Println("second run:", m.Calls())

	_, err := m.CreateCourse(ctx, lms.Course{SISID: "unit/IST101"})
	fmt.Println("duplicate is a conflict:", errors.Is(err, lms.ErrConflict))

	m.FailNext(memlms.ReadState, 1, &lms.RateLimitError{RetryAfter: 2e9})
	_, err = m.ReadState(ctx, []string{"unit/IST101"})
	fmt.Println("injected:", err)

	for _, c := range m.Dump().Courses {
		fmt.Printf("%s %s %q\n", c.ID, c.Code, c.SISID)
	}
	// Output:
	// second run: reads=1 writes=0 changes=0 ReadState=1
	// duplicate is a conflict: true
	// injected: lms: rate limited
	// 1 IST101 "unit/IST101"
}
