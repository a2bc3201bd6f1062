package canvas_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func sisZip(t *testing.T, enrollments string) []byte {
	t.Helper()
	z, err := canvas.ZipCSV(map[string][]byte{
		"enrollments.csv": []byte("course_id,section_id,user_id,role,status\n" + enrollments),
		"users.csv": []byte("user_id,login_id,first_name,last_name,email,status\n" +
			"S1,s1@x,Ada,Lovelace,s1@x,active\nS2,s2@x,Alan,Turing,s2@x,active\nT1,t1@x,Grace,Hopper,t1@x,active\n"),
		"courses.csv":  []byte("course_id,short_name,long_name,account_id,term_id,status\nIST101-2026,IST101,Intro to IST,,T2026,active\n"),
		"sections.csv": []byte("section_id,course_id,name,status\nIST101-2026-A,IST101-2026,Group A,active\n"),
	})
	require.NoError(t, err)
	return z
}

const baseEnrollments = "IST101-2026,IST101-2026-A,S1,student,active\nIST101-2026,IST101-2026-A,S2,student,active\nIST101-2026,,T1,teacher,active\n"

func TestSISImportAppliesCSVs(t *testing.T) {
	c, srv := newFake(t, canvastest.WithSISImportPolls(2))
	srv.SeedTerm(canvastest.Term{Name: "2026", SISTermID: "T2026"})
	ctx := t.Context()

	imp, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportCreated, imp.WorkflowState)
	assert.False(t, imp.Done())
	assert.Empty(t, srv.Users(), "nothing applied before processing")

	polled, err := c.SISImports.Get(ctx, canvas.Self, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportImporting, polled.WorkflowState)

	done, err := c.SISImports.Wait(ctx, canvas.Self, imp.ID, time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportImported, done.WorkflowState)
	assert.True(t, done.Succeeded())
	assert.Equal(t, 100, done.Progress)
	assert.Equal(t, 3, done.Data.Counts["users"])
	assert.Equal(t, 1, done.Data.Counts["courses"])
	assert.Equal(t, 3, done.Data.Counts["enrollments"])

	course, err := c.Courses.Get(ctx, canvas.SISCourse("IST101-2026"))
	require.NoError(t, err)
	assert.Equal(t, "IST101", course.CourseCode)
	es, err := canvas.Collect(c.Enrollments.ListByCourse(ctx, course.ID, nil))
	require.NoError(t, err)
	assert.Len(t, es, 3)
	u, err := c.Users.Get(ctx, canvas.SISUser("S2"))
	require.NoError(t, err)
	assert.Equal(t, "Alan Turing", u.Name)
	assert.Equal(t, "Turing, Alan", u.SortableName)

	list, err := canvas.Collect(c.SISImports.List(ctx, canvas.Self))
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, imp.ID, list[0].ID)
}

func TestSISImportRowErrors(t *testing.T) {
	c, srv := newFake(t, canvastest.WithSISImportPolls(0))
	ctx := t.Context()
	z, err := canvas.ZipCSV(map[string][]byte{
		"users.csv":       []byte("user_id,login_id,full_name,status\nS1,s1,One,active\n,nologin,Nobody,active\nS3,s3,Three,sleeping\n"),
		"sections.csv":    []byte("section_id,course_id,name,status\nSEC1,NOPE,Orphan,active\n"),
		"enrollments.csv": []byte("course_id,user_id,role,status\nNOPE,S1,student,active\n"),
		"notes.csv":       []byte("a,b\n1,2\n"),
	})
	require.NoError(t, err)
	imp, err := c.SISImports.Create(ctx, canvas.Self, z, canvas.SISImportOptions{})
	require.NoError(t, err)
	done, err := c.SISImports.Wait(ctx, canvas.Self, imp.ID, time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportImportedWithMessages, done.WorkflowState)
	assert.True(t, done.Succeeded())
	assert.NotEmpty(t, done.ProcessingWarnings)

	errs, err := canvas.Collect(c.SISImports.Errors(ctx, canvas.Self, imp.ID))
	require.NoError(t, err)
	msgs := map[string]bool{}
	for _, e := range errs {
		msgs[e.Message] = true
		assert.Equal(t, imp.ID, e.SISImportID)
	}
	assert.True(t, msgs["No user_id given for a user"])
	assert.True(t, msgs[`Improper status "sleeping" for user S3`])
	assert.True(t, msgs["Section SEC1 references course NOPE which doesn't exist"])
	assert.True(t, msgs["Couldn't find Canvas CSV import headers"])
	assert.Len(t, errs, 5)
	for _, e := range errs {
		if e.File == "users.csv" && e.Message == "No user_id given for a user" {
			require.NotNil(t, e.Row)
			assert.Equal(t, 3, *e.Row, "line number in the file")
		}
	}
	_, ok := srv.UserBySISID("S1")
	assert.True(t, ok, "good rows are applied")
}

func TestSISImportFailsOnBadZip(t *testing.T) {
	c, _ := newFake(t, canvastest.WithSISImportPolls(0))
	imp, err := c.SISImports.Create(t.Context(), canvas.Self, []byte("this is not a zip"), canvas.SISImportOptions{})
	require.NoError(t, err)
	done, err := c.SISImports.Wait(t.Context(), canvas.Self, imp.ID, time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportFailedWithMessages, done.WorkflowState)
	assert.False(t, done.Succeeded())
	require.NotEmpty(t, done.ProcessingErrors)
}

func TestSISImportDiffing(t *testing.T) {
	c, srv := newFake(t, canvastest.WithSISImportPolls(0))
	srv.SeedTerm(canvastest.Term{Name: "2026", SISTermID: "T2026"})
	ctx := t.Context()
	opts := canvas.SISImportOptions{DiffingDataSetIdentifier: "vettrak:2026", DiffingDropStatus: "inactive"}
	first, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, baseEnrollments), opts)
	require.NoError(t, err)
	_, err = c.SISImports.Wait(ctx, canvas.Self, first.ID, time.Millisecond)
	require.NoError(t, err)

	// S2 leaves; nothing else changes.
	second, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, "IST101-2026,IST101-2026-A,S1,student,active\nIST101-2026,,T1,teacher,active\n"), opts)
	require.NoError(t, err)
	done, err := c.SISImports.Wait(ctx, canvas.Self, second.ID, time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportImported, done.WorkflowState)
	assert.Equal(t, first.ID, done.DiffedAgainstImportID)
	assert.Equal(t, 0, done.Data.Counts["users"], "unchanged rows are skipped")
	assert.Equal(t, 1, done.Data.Counts["enrollments"], "only the removal")

	s2, _ := srv.UserBySISID("S2")
	for _, e := range srv.Enrollments(0) {
		if e.UserID == s2.ID {
			assert.Equal(t, "inactive", e.State)
		} else {
			assert.Equal(t, "active", e.State)
		}
	}
}

func TestSISImportBatchMode(t *testing.T) {
	c, srv := newFake(t, canvastest.WithSISImportPolls(0))
	term := srv.SeedTerm(canvastest.Term{Name: "2026", SISTermID: "T2026"})
	ctx := t.Context()
	first, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
	require.NoError(t, err)
	_, err = c.SISImports.Wait(ctx, canvas.Self, first.ID, time.Millisecond)
	require.NoError(t, err)
	manual := srv.SeedCourse(canvastest.Course{Name: "Manual", TermID: term})

	z, err := canvas.ZipCSV(map[string][]byte{"courses.csv": []byte("course_id,short_name,long_name,term_id,status\nNEW-2026,NEW,New,T2026,active\n")})
	require.NoError(t, err)
	_, err = c.SISImports.Create(ctx, canvas.Self, z, canvas.SISImportOptions{BatchMode: true})
	assert.Error(t, err, "batch mode needs a term")
	batch, err := c.SISImports.Create(ctx, canvas.Self, z, canvas.SISImportOptions{BatchMode: true, BatchModeTerm: canvas.SISTerm("T2026")})
	require.NoError(t, err)
	done, err := c.SISImports.Wait(ctx, canvas.Self, batch.ID, time.Millisecond)
	require.NoError(t, err)
	assert.True(t, done.BatchMode)
	assert.Equal(t, 1, done.Data.Counts["batch_courses_deleted"])
	assert.Equal(t, 3, done.Data.Counts["batch_enrollments_deleted"])

	old, ok := srv.CourseBySISID("IST101-2026")
	require.True(t, ok)
	assert.Equal(t, "deleted", old.WorkflowState)
	for _, co := range srv.Courses() {
		if co.ID == manual {
			assert.Equal(t, "available", co.WorkflowState, "courses not made by SIS are left alone")
		}
	}

	_, err = c.SISImports.Create(ctx, canvas.Self, z, canvas.SISImportOptions{BatchMode: true, BatchModeTerm: canvas.SISTerm("NOPE")})
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "batch_mode_term_id cannot be found")
}

func TestSISImportPermissionsAndAbort(t *testing.T) {
	c, srv := newFake(t)
	sub := srv.SeedAccount(canvastest.Account{Name: "Sub", SISAccountID: "SUB"})
	ctx := t.Context()
	_, err := c.SISImports.Create(ctx, canvas.ID(sub), []byte("x"), canvas.SISImportOptions{})
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "SIS imports can only be executed on root accounts")

	plain := clientFor(t, srv, srv.NewToken(false))
	_, err = plain.SISImports.Create(ctx, canvas.Self, []byte("x"), canvas.SISImportOptions{})
	assert.True(t, errors.Is(err, canvas.ErrForbidden), "%v", err)

	imp, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
	require.NoError(t, err)
	ab, err := c.SISImports.Abort(ctx, canvas.Self, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.SISImportAborted, ab.WorkflowState)
	assert.True(t, ab.Done())
	assert.Empty(t, srv.Users())

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	imp2, err := c.SISImports.Create(ctx, canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
	require.NoError(t, err)
	_, err = c.SISImports.Wait(short, canvas.Self, imp2.ID, time.Hour)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// SIS import behaviours read from canvas-lms (sis_imports_api_controller.rb
// #create/#abort, lib/sis/csv/diff_generator.rb, sis_batch.rb
// #do_batch_end_work, doc/api/sis_csv.md).
func TestSISImportFollowsCanvasSource(t *testing.T) {
	t.Run("abort of a finished import is 404", func(t *testing.T) {
		c, _ := newFake(t, canvastest.WithSISImportPolls(0))
		imp, err := c.SISImports.Create(t.Context(), canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
		require.NoError(t, err)
		_, err = c.SISImports.Abort(t.Context(), canvas.Self, imp.ID)
		assert.True(t, errors.Is(err, canvas.ErrNotFound), "%v", err)
	})
	t.Run("deleted_last_completed and batch mode with diffing are accepted", func(t *testing.T) {
		c, srv := newFake(t, canvastest.WithSISImportPolls(0))
		srv.SeedTerm(canvastest.Term{Name: "2026", SISTermID: "T2026"})
		_, err := c.SISImports.Create(t.Context(), canvas.Self, sisZip(t, baseEnrollments),
			canvas.SISImportOptions{DiffingDataSetIdentifier: "vt", DiffingDropStatus: "deleted_last_completed"})
		require.NoError(t, err)
		imp, err := c.SISImports.Create(t.Context(), canvas.Self, sisZip(t, baseEnrollments),
			canvas.SISImportOptions{BatchMode: true, BatchModeTerm: canvas.SISTerm("T2026"), DiffingDataSetIdentifier: "vt"})
		require.NoError(t, err)
		assert.True(t, imp.BatchMode)
	})
	t.Run("errors are {message}, and a token without permission gets 401", func(t *testing.T) {
		c, srv := newFake(t)
		_, err := c.SISImports.Create(t.Context(), canvas.Self, sisZip(t, baseEnrollments),
			canvas.SISImportOptions{BatchMode: true, BatchModeTerm: canvas.SISTerm("nope")})
		var ce *canvas.Error
		require.ErrorAs(t, err, &ce)
		assert.JSONEq(t, `{"message":"Batch mode specified, but the given batch_mode_term_id cannot be found."}`, string(ce.Body))
		weak := clientFor(t, srv, srv.NewToken(false))
		_, err = weak.SISImports.Create(t.Context(), canvas.Self, sisZip(t, baseEnrollments), canvas.SISImportOptions{})
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, 401, ce.StatusCode)
	})
	t.Run("a file that fails fails the import", func(t *testing.T) {
		c, _ := newFake(t, canvastest.WithSISImportPolls(0))
		z, err := canvas.ZipCSV(map[string][]byte{
			"users.csv":  []byte("user_id,login_id,full_name,status\nS1,s1,One,active\n"),
			"broken.csv": []byte("user_id,login_id\n\"unterminated,x\n"),
		})
		require.NoError(t, err)
		imp, err := c.SISImports.Create(t.Context(), canvas.Self, z, canvas.SISImportOptions{})
		require.NoError(t, err)
		done, err := c.SISImports.Wait(t.Context(), canvas.Self, imp.ID, time.Millisecond)
		require.NoError(t, err)
		assert.Equal(t, canvas.SISImportFailedWithMessages, done.WorkflowState)
	})
	t.Run("published courses, group categories, groups and memberships", func(t *testing.T) {
		c, srv := newFake(t, canvastest.WithSISImportPolls(0))
		z, err := canvas.ZipCSV(map[string][]byte{
			"courses.csv":           []byte("course_id,short_name,long_name,status\nC1,C1,Course,published\n"),
			"users.csv":             []byte("user_id,login_id,full_name,status\nS1,s1,One,active\nS2,s2,Two,active\n"),
			"enrollments.csv":       []byte("course_id,user_id,role,status\nC1,S1,student,active\n"),
			"group_categories.csv":  []byte("group_category_id,course_id,category_name,status\nGC1,C1,Occurrences,active\n"),
			"groups.csv":            []byte("group_id,group_category_id,name,status\nG1,GC1,Term 1,available\nG2,GC1,Term 2,available\n"),
			"group_memberships.csv": []byte("group_id,user_id,status\nG1,S1,accepted\nG2,S1,accepted\nG1,S2,accepted\n"),
		})
		require.NoError(t, err)
		imp, err := c.SISImports.Create(t.Context(), canvas.Self, z, canvas.SISImportOptions{})
		require.NoError(t, err)
		done, err := c.SISImports.Wait(t.Context(), canvas.Self, imp.ID, time.Millisecond)
		require.NoError(t, err)
		// S2 has no enrollment in C1: whether the importer refuses that
		// is UNCONFIRMED, and the fake is strict.
		assert.Equal(t, canvas.SISImportImportedWithMessages, done.WorkflowState, "%+v", done.ProcessingWarnings)
		require.Len(t, done.ProcessingWarnings, 1, "%+v", done.ProcessingWarnings)
		assert.Contains(t, fmt.Sprint(done.ProcessingWarnings[0]), "User S2 has no enrollment")
		course, ok := srv.CourseBySISID("C1")
		require.True(t, ok)
		assert.Equal(t, "available", course.WorkflowState)
		groups := srv.Groups(course.ID)
		require.Len(t, groups, 2)
		active := 0
		for _, g := range groups {
			for _, m := range srv.Memberships(g.ID) {
				if m.WorkflowState == "accepted" {
					active++
				}
			}
		}
		assert.Equal(t, 1, active, "one group per category holds for imports too")
	})
}
