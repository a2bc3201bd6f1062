package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Builder builds a fake VETtrak dataset in a few readable lines, keeping
// the first error so a demo checks once (Dataset() returns it).
type Builder struct {
	d   *vettraktest.Dataset
	err error
}

// NewBuilder starts an empty dataset with VETtrak's usual result types.
func NewBuilder() *Builder { return &Builder{d: vettraktest.NewDataset()} }

// Dataset returns the dataset, or the first error any step met.
func (b *Builder) Dataset() (*vettraktest.Dataset, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.d, nil
}

func (b *Builder) fail(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

// Day is midnight of a 2026 day in Sydney.
func Day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, Sydney()) }

// Programme adds a programme and returns its ID.
func (b *Builder) Programme(code, name string) int64 {
	return b.d.AddProgramme(vettrak.Programme{Code: code, Name: name}).ID
}

// Unit adds a unit of competency (or, with module true, a module: a
// subject or unit of study).
func (b *Builder) Unit(code, name string, module bool) {
	t := vettrak.UnitOfCompetency
	if module {
		t = vettrak.Module
	}
	b.d.AddUnit(vettrak.Unit{Code: code, Name: name, Type: t})
}

// Person adds a client (learner or staff member), with an email made from
// the name when email is empty.
func (b *Builder) Person(code, given, surname, email string) {
	if email == "" {
		email = asciiLower(given) + "." + asciiLower(surname) + "@example.edu.au"
	}
	b.fail(b.d.AddClient(vettrak.Person{Code: code, GivenName: given, Surname: surname, Email: email}))
}

// asciiLower keeps the ASCII letters of s, lower-cased, for made-up
// email addresses.
func asciiLower(s string) string {
	var out strings.Builder
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' {
			out.WriteRune(r)
		}
	}
	return out.String()
}

// Occurrence adds an occurrence of a programme running the given units and
// returns its ID (0 after an error).
func (b *Builder) Occurrence(programmeID int64, code, description string, start, end time.Time, units ...string) int64 {
	o, err := b.d.AddOccurrence(vettrak.Occurrence{Code: code, Description: description, StartDate: start, EndDate: end,
		ProgrammeID: programmeID, Status: "Active", LocationCode: "SYD"}, units...)
	b.fail(err)
	return o.ID
}

// Staff links a staff member to an occurrence in a role ("Trainer",
// "Assessor"). A VETtrak staff link covers the whole occurrence: it names
// no unit.
func (b *Builder) Staff(occurrenceID int64, staffCode, staffType string) {
	b.fail(b.d.AddStaff(occurrenceID, staffCode, staffType))
}

// Enrol enrols clients in an occurrence (in all its units) and returns the
// enrolment IDs in order.
func (b *Builder) Enrol(occurrenceID int64, clientCodes ...string) []int64 {
	ids := make([]int64, 0, len(clientCodes))
	for _, c := range clientCodes {
		e, err := b.d.AddEnrolment(occurrenceID, c)
		if err != nil {
			b.fail(fmt.Errorf("enrol %s in occurrence %d: %w", c, occurrenceID, err))
			continue
		}
		ids = append(ids, e.ID)
	}
	return ids
}
