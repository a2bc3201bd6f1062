package memlms

import (
	"fmt"
	"maps"
	"slices"
)

// Method names one method of lms.LMS, for call counts and fault injection.
type Method string

// The methods of lms.LMS.
const (
	ListCourses  Method = "ListCourses"
	ReadState    Method = "ReadState"
	ReadUsers    Method = "ReadUsers"
	ReadEvidence Method = "ReadEvidence"

	CreateCourse  Method = "CreateCourse"
	UpdateCourse  Method = "UpdateCourse"
	CreateSection Method = "CreateSection"
	UpdateSection Method = "UpdateSection"
	CreateGroup   Method = "CreateGroup"
	UpdateGroup   Method = "UpdateGroup"
	CreateUser    Method = "CreateUser"
	UpdateUser    Method = "UpdateUser"
	Enrol         Method = "Enrol"
	Unenrol       Method = "Unenrol"
	AddMember     Method = "AddMember"
	RemoveMember  Method = "RemoveMember"
)

// Methods returns every Method, readers first.
func Methods() []Method {
	return []Method{
		ListCourses, ReadState, ReadUsers, ReadEvidence,
		CreateCourse, UpdateCourse, CreateSection, UpdateSection,
		CreateGroup, UpdateGroup, CreateUser, UpdateUser,
		Enrol, Unenrol, AddMember, RemoveMember,
	}
}

// IsWrite reports whether the method belongs to lms.Writer.
func (m Method) IsWrite() bool {
	switch m {
	case ListCourses, ReadState, ReadUsers, ReadEvidence:
		return false
	}
	return true
}

// Calls counts the calls made to an LMS since it was created or since
// ResetCalls. Every call counts, including calls that failed, changed
// nothing (an idempotent Enrol) or met an injected fault: a Syncer that
// has nothing to do should make no write calls at all.
type Calls struct {
	Reads  int
	Writes int
	// Changes counts write calls that changed something.
	Changes int
	// ByMethod holds the count of each method called at least once.
	ByMethod map[Method]int
}

// Calls returns the call counts so far.
func (m *LMS) Calls() Calls {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := Calls{Changes: m.changes, ByMethod: maps.Clone(m.calls)}
	for meth, n := range m.calls {
		if meth.IsWrite() {
			c.Writes += n
		} else {
			c.Reads += n
		}
	}
	return c
}

// ResetCalls sets every call count to zero.
func (m *LMS) ResetCalls() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.calls)
	m.changes = 0
}

// String lists the non-zero counts in a stable order, for test failures.
func (c Calls) String() string {
	s := fmt.Sprintf("reads=%d writes=%d changes=%d", c.Reads, c.Writes, c.Changes)
	keys := slices.Sorted(maps.Keys(c.ByMethod))
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%d", k, c.ByMethod[k])
	}
	return s
}

type fault struct {
	remaining int // < 0: until cleared
	err       error
}

// FailNext makes the next n calls to meth return err (as is, so errors.Is
// and errors.As see exactly what the test injected) without doing
// anything. The calls still count. n <= 0 clears the fault for meth.
func (m *LMS) FailNext(meth Method, n int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n <= 0 || err == nil {
		delete(m.faults, meth)
		return
	}
	m.faults[meth] = &fault{remaining: n, err: err}
}

// Fail makes every call to meth return err until ClearFaults.
func (m *LMS) Fail(meth Method, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		delete(m.faults, meth)
		return
	}
	m.faults[meth] = &fault{remaining: -1, err: err}
}

// ClearFaults removes every injected fault.
func (m *LMS) ClearFaults() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.faults)
}

// takeFault must be called with m.mu held.
func (m *LMS) takeFault(meth Method) error {
	f := m.faults[meth]
	if f == nil {
		return nil
	}
	if f.remaining > 0 {
		f.remaining--
		if f.remaining == 0 {
			delete(m.faults, meth)
		}
	}
	return f.err
}
