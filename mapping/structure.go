package mapping

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// Desired is the LMS state VETtrak wants, with what the Syncer needs to
// apply it and to send results back.
//
// Only explicit VETtrak signals make anything non-active: a withdrawn or
// completed enrolment status, a tombstone. An LMS object the state does not
// mention is not to be removed; it is simply not managed.
type Desired struct {
	Workflow Workflow `json:"workflow"`
	// State holds every course, section, group, user, enrolment and
	// membership VETtrak implies, sorted by SIS ID / key. Withdrawals and
	// deletions appear as enrolments and memberships with a non-active
	// Status. A course adopted from the LMS carries its LMS ID (and, when it
	// had none, the SIS ID the Syncer must give it through UpdateCourse).
	State       lms.State    `json:"state"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// CourseSISIDs is every course this state manages: what the Syncer
	// must ReadState, sorted.
	CourseSISIDs []string `json:"course_sis_ids"`
	// Courses describes each managed course: its units and occurrences.
	Courses []CourseInfo `json:"courses"`
	// Provenance says which VETtrak enrolment (and which of its units)
	// placed each user in each course, so results can go back.
	Provenance []Provenance `json:"provenance"`
	// DeletedEnrolments are tombstoned enrolment IDs the snapshot no longer
	// holds. The Syncer finds their LMS enrolments from the provenance it
	// stored on an earlier run and applies Config.DeletedStatus.
	DeletedEnrolments []int64 `json:"deleted_enrolments,omitempty"`
}

// CourseInfo is what the mapping knows about one managed course.
type CourseInfo struct {
	SISID         string   `json:"sis_id"`
	UnitCodes     []string `json:"unit_codes"` // normalised, sorted: the units its assessments may name
	OccurrenceIDs []int64  `json:"occurrence_ids"`
	// Adopted: an existing LMS course matched by code (Unit and
	// Occurrence-groups workflows); the mapping keeps its name and code.
	Adopted bool `json:"adopted,omitempty"`
}

// Provenance ties a user's place in a course to the VETtrak enrolment and
// units behind it.
type Provenance struct {
	CourseSISID  string     `json:"course_sis_id"`
	UserSISID    string     `json:"user_sis_id"`
	ClientCode   string     `json:"client_code"`
	EnrolmentID  int64      `json:"enrolment_id"`
	OccurrenceID int64      `json:"occurrence_id"`
	UnitCodes    []string   `json:"unit_codes"` // normalised, sorted
	Status       lms.Status `json:"status"`
}

// Sources returns the provenance of a user in a course, sorted by
// enrolment ID (nil when the mapping did not place them there).
func (d *Desired) Sources(courseSISID, userSISID string) []Provenance {
	if d == nil {
		return nil
	}
	lo, _ := slices.BinarySearchFunc(d.Provenance, [2]string{courseSISID, userSISID}, func(p Provenance, k [2]string) int {
		return cmp.Or(cmp.Compare(p.CourseSISID, k[0]), cmp.Compare(p.UserSISID, k[1]))
	})
	hi := lo
	for hi < len(d.Provenance) && d.Provenance[hi].CourseSISID == courseSISID && d.Provenance[hi].UserSISID == userSISID {
		hi++
	}
	if lo == hi {
		return nil
	}
	return d.Provenance[lo:hi]
}

// Course returns the description of a managed course.
func (d *Desired) Course(sisID string) (CourseInfo, bool) {
	if d == nil {
		return CourseInfo{}, false
	}
	i, ok := slices.BinarySearchFunc(d.Courses, sisID, func(c CourseInfo, id string) int { return cmp.Compare(c.SISID, id) })
	if !ok {
		return CourseInfo{}, false
	}
	return d.Courses[i], true
}

// Structure computes the LMS state VETtrak wants under cfg's workflow.
// existing is every LMS course the Syncer found; the Unit and
// Occurrence-groups workflows match units to them by course code (or by the
// scheme's SIS ID), the others use it to carry LMS IDs of courses that exist.
//
// Structure is pure and deterministic: the same records in any order give an
// equal result. Bad records never fail it; they become diagnostics. The
// error is only for an invalid cfg (a *ConfigError).
func Structure(cfg Config, snap Snapshot, existing []lms.Course) (*Desired, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := newBuilder(cfg, existing)
	ix := newIndex(cfg, snap, &b.d)
	b.ix = ix
	switch cfg.Workflow {
	case WorkflowUnit, WorkflowSubject, WorkflowOccurrenceGroups:
		b.unitWorkflows()
	case WorkflowModule:
		b.moduleWorkflow()
	case WorkflowCourse:
		b.courseWorkflow()
	}
	return b.finish(), nil
}

type courseAcc struct {
	course  lms.Course
	units   map[string]bool
	occs    map[int64]bool
	adopted bool
}

type provKey struct {
	course, user string
	enrol        int64
}

type builder struct {
	cfg Config
	d   diags
	ix  *index
	reg *idRegistry

	existingBySIS  map[string]lms.Course
	existingByCode map[string][]lms.Course

	unitCourse map[string]string // normalised unit → course SIS ID ("" = none)
	courses    map[string]*courseAcc
	sections   map[string]lms.Section
	groups     map[string]lms.Group
	enrols     map[string]lms.Enrolment
	members    map[string]lms.Membership
	prov       map[provKey]*Provenance
	userIDs    map[string]string // client code → user SIS ID ("" = unusable)
	people     map[string]*person
}

func newBuilder(cfg Config, existing []lms.Course) *builder {
	b := &builder{
		cfg: cfg, reg: newIDRegistry(),
		existingBySIS:  map[string]lms.Course{},
		existingByCode: map[string][]lms.Course{},
		unitCourse:     map[string]string{},
		courses:        map[string]*courseAcc{},
		sections:       map[string]lms.Section{},
		groups:         map[string]lms.Group{},
		enrols:         map[string]lms.Enrolment{},
		members:        map[string]lms.Membership{},
		prov:           map[provKey]*Provenance{},
		userIDs:        map[string]string{},
		people:         map[string]*person{},
	}
	ex := slices.Clone(existing)
	slices.SortFunc(ex, func(a, c lms.Course) int {
		return cmp.Or(cmp.Compare(a.SISID, c.SISID), cmp.Compare(a.ID, c.ID), cmp.Compare(a.Code, c.Code), cmp.Compare(a.Name, c.Name))
	})
	for _, c := range ex {
		if c.SISID != "" {
			if _, dup := b.existingBySIS[c.SISID]; !dup {
				b.existingBySIS[c.SISID] = c
			}
		}
		if code := NormalizeUnitCode(c.Code); code != "" {
			b.existingByCode[code] = append(b.existingByCode[code], c)
		}
	}
	return b
}

// rank orders statuses for merging: when two enrolments place a user in the
// same spot, the most active one wins (a learner re-enrolled after a
// withdrawal stays in).
func rank(s lms.Status) int {
	switch s {
	case lms.StatusActive:
		return 3
	case lms.StatusCompleted:
		return 2
	case lms.StatusInactive:
		return 1
	}
	return 0
}

// claimCourse registers a course under its SIS ID; a different owner
// already holding the ID is a collision, reported and refused.
func (b *builder) claimCourse(c lms.Course, owner string, rec Record, adopted bool) string {
	if err := CheckSISID(c.SISID); err != nil {
		b.d.add(SeverityError, CodeInvalidSISID, rec, "course SIS ID unusable: %v", err)
		return ""
	}
	if prev, ok := b.reg.claim("course", c.SISID, owner); !ok {
		b.d.add(SeverityError, CodeSISIDCollision, rec, "course SIS ID %q already belongs to %s", c.SISID, prev)
		return ""
	}
	if _, ok := b.courses[c.SISID]; !ok {
		b.courses[c.SISID] = &courseAcc{course: c, units: map[string]bool{}, occs: map[int64]bool{}, adopted: adopted}
	}
	return c.SISID
}

// courseForUnit finds or creates the course of a unit in the unit-like
// workflows; "" means the unit has no course (diagnosed once).
func (b *builder) courseForUnit(u unitRef) string {
	if id, ok := b.unitCourse[u.code]; ok {
		return id
	}
	id := b.resolveUnitCourse(u)
	b.unitCourse[u.code] = id
	return id
}

func (b *builder) resolveUnitCourse(u unitRef) string {
	rec := unitRecord(u.code)
	owner := "unit " + u.code
	name := b.ix.unitNames[u.code]
	if name == "" {
		name = u.code
	}
	if b.cfg.Workflow == WorkflowSubject {
		c := lms.Course{SISID: b.cfg.SIS.SubjectCourse(u.code), Name: name, Code: u.code}
		if ex, ok := b.existingBySIS[c.SISID]; ok {
			c.ID = ex.ID
		}
		return b.claimCourse(c, owner, rec, false)
	}
	want := b.cfg.SIS.UnitCourse(u.code)
	if ex, ok := b.existingBySIS[want]; ok {
		return b.claimCourse(ex, owner, rec, false)
	}
	switch cands := b.existingByCode[u.code]; {
	case len(cands) == 1:
		c := cands[0]
		b.d.add(SeverityInfo, CodeCourseAdopted, rec, "matched LMS course %q (ID %q) by code", c.Code, c.ID)
		if c.SISID == "" {
			c.SISID = want
			b.d.add(SeverityWarning, CodeCourseNeedsSISID, rec, "LMS course ID %q has no SIS ID; the Syncer gives it %q", c.ID, want)
		}
		return b.claimCourse(c, owner, rec, true)
	case len(cands) > 1:
		ids := make([]string, 0, len(cands))
		for _, c := range cands {
			ids = append(ids, c.ID+"/"+c.SISID)
		}
		b.d.add(SeverityError, CodeAmbiguousCourse, rec, "%d LMS courses have code %s (ID/SIS ID %v); the unit is not placed", len(cands), u.code, ids)
		return ""
	}
	if !b.cfg.CreateMissingCourses {
		b.d.add(SeverityWarning, CodeNoCourse, rec, "no LMS course has code %s and course creation is off; the unit's learners are not placed", u.code)
		return ""
	}
	return b.claimCourse(lms.Course{SISID: want, Name: name, Code: u.code}, owner, rec, false)
}

func (b *builder) noteCourse(cid string, unit string, occ int64) {
	acc := b.courses[cid]
	if unit != "" {
		acc.units[unit] = true
	}
	if occ != 0 {
		acc.occs[occ] = true
	}
}

func (b *builder) section(cid, sid, name, owner string, rec Record) string {
	if cid == "" {
		return ""
	}
	if _, ok := b.sections[sid]; ok {
		return sid
	}
	if err := CheckSISID(sid); err != nil {
		b.d.add(SeverityError, CodeInvalidSISID, rec, "section SIS ID unusable: %v", err)
		return ""
	}
	if prev, ok := b.reg.claim("section", sid, owner); !ok {
		b.d.add(SeverityError, CodeSISIDCollision, rec, "section SIS ID %q already belongs to %s", sid, prev)
		return ""
	}
	b.sections[sid] = lms.Section{SISID: sid, CourseSISID: cid, Name: name}
	return sid
}

func (b *builder) group(cid, gid, name, owner string, rec Record) string {
	if cid == "" {
		return ""
	}
	if _, ok := b.groups[gid]; ok {
		return gid
	}
	if err := CheckSISID(gid); err != nil {
		b.d.add(SeverityError, CodeInvalidSISID, rec, "group SIS ID unusable: %v", err)
		return ""
	}
	if prev, ok := b.reg.claim("group", gid, owner); !ok {
		b.d.add(SeverityError, CodeSISIDCollision, rec, "group SIS ID %q already belongs to %s", gid, prev)
		return ""
	}
	b.groups[gid] = lms.Group{SISID: gid, CourseSISID: cid, Name: name}
	return gid
}

// userID is the SIS ID for a client code, or "" when it cannot be used
// (diagnosed once per client).
func (b *builder) userID(code string) string {
	if id, ok := b.userIDs[code]; ok {
		return id
	}
	id := b.cfg.SIS.User(code)
	if err := CheckSISID(id); err != nil {
		b.d.add(SeverityError, CodeInvalidSISID, clientRecord(code), "user SIS ID unusable: %v; the client is not placed", err)
		id = ""
	} else if prev, ok := b.reg.claim("user", id, code); !ok {
		b.d.add(SeverityError, CodeSISIDCollision, clientRecord(code), "user SIS ID %q already belongs to client %q; the client is not placed", id, prev)
		id = ""
	}
	b.userIDs[code] = id
	return id
}

func (b *builder) enrol(cid, sid, code string, role lms.Role, st lms.Status) {
	uid := b.userID(code)
	if cid == "" || uid == "" {
		return
	}
	e := lms.Enrolment{UserSISID: uid, CourseSISID: cid, SectionSISID: sid, Role: role, Status: st}
	k := e.Key()
	if cur, ok := b.enrols[k]; ok && rank(cur.Status) >= rank(st) {
		return
	}
	b.enrols[k] = e
}

func (b *builder) member(gid, code string, st lms.Status) {
	uid := b.userID(code)
	if gid == "" || uid == "" {
		return
	}
	m := lms.Membership{GroupSISID: gid, UserSISID: uid, Status: st}
	if cur, ok := b.members[m.Key()]; ok && rank(cur.Status) >= rank(st) {
		return
	}
	b.members[m.Key()] = m
}

func (b *builder) provenance(cid string, e record.Enrolment, unit string, st lms.Status) {
	uid := b.userID(e.ClientCode)
	if cid == "" || uid == "" {
		return
	}
	k := provKey{cid, uid, e.ID}
	p := b.prov[k]
	if p == nil {
		p = &Provenance{CourseSISID: cid, UserSISID: uid, ClientCode: e.ClientCode, EnrolmentID: e.ID, OccurrenceID: e.OccurrenceID, Status: st}
		b.prov[k] = p
	}
	if unit != "" && !slices.Contains(p.UnitCodes, unit) {
		p.UnitCodes = append(p.UnitCodes, unit)
	}
}

// staffSplit returns the trainer and assessor links among links. A VETtrak
// staff link names no unit (TStaffLink has none), so it applies to every
// unit of its occurrence or enrolment.
func (b *builder) staffSplit(links []record.StaffLink) (trainers, assessors []record.StaffLink) {
	for _, l := range links {
		if strings.TrimSpace(l.StaffCode) == "" {
			b.d.add(SeverityWarning, CodeMissingField, Record{RecordStaff, ""}, "a %q link on occurrence %d / enrolment %d has no staff code; ignored", cleanText(l.StaffType), l.OccurrenceID, l.EnrolmentID)
			continue
		}
		t, a := b.ix.staffRole(l)
		if t {
			trainers = append(trainers, l)
		}
		if a {
			assessors = append(assessors, l)
		}
		b.notePersonFromStaff(l)
	}
	return trainers, assessors
}

func (b *builder) checkUnits(oi *occInfo, unitLike bool) {
	sev := SeverityInfo
	if unitLike {
		sev = SeverityWarning
	}
	if !oi.unitsRead && len(b.ix.occUnits(oi)) == 0 {
		b.d.add(sev, CodeUnitsNotRead, occurrenceRecord(oi.occ.ID), "the occurrence's units were not read and its enrolments carry none")
	} else if len(b.ix.occUnits(oi)) == 0 {
		b.d.add(sev, CodeNoUnits, occurrenceRecord(oi.occ.ID), "the occurrence has no units")
	}
}

func ptr[T any](v T) *T { return &v }

// sized is an empty slice with room for n, or nil for none (as appending
// to nothing leaves it).
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

func (b *builder) finish() *Desired {
	users, dropped := b.buildUsers()
	out := &Desired{Workflow: b.cfg.Workflow, DeletedEnrolments: b.ix.unresolved}
	out.State.Users = users

	// Sized up front: at 20,000 learners the appends would otherwise
	// regrow and copy these slices a dozen times each.
	out.State.Courses = sized[lms.Course](len(b.courses))
	out.CourseSISIDs = sized[string](len(b.courses))
	out.Courses = sized[CourseInfo](len(b.courses))
	out.State.Sections = sized[lms.Section](len(b.sections))
	out.State.Groups = sized[lms.Group](len(b.groups))
	out.State.Enrolments = sized[lms.Enrolment](len(b.enrols))
	out.State.Memberships = sized[lms.Membership](len(b.members))
	out.Provenance = sized[Provenance](len(b.prov))
	for _, id := range slices.Sorted(maps.Keys(b.courses)) {
		acc := b.courses[id]
		out.State.Courses = append(out.State.Courses, acc.course)
		out.CourseSISIDs = append(out.CourseSISIDs, id)
		out.Courses = append(out.Courses, CourseInfo{
			SISID: id, UnitCodes: slices.Sorted(maps.Keys(acc.units)),
			OccurrenceIDs: slices.Sorted(maps.Keys(acc.occs)), Adopted: acc.adopted,
		})
	}
	for _, id := range slices.Sorted(maps.Keys(b.sections)) {
		out.State.Sections = append(out.State.Sections, b.sections[id])
	}
	for _, id := range slices.Sorted(maps.Keys(b.groups)) {
		out.State.Groups = append(out.State.Groups, b.groups[id])
	}
	for _, k := range slices.Sorted(maps.Keys(b.enrols)) {
		if e := b.enrols[k]; !dropped[e.UserSISID] {
			out.State.Enrolments = append(out.State.Enrolments, e)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b.members)) {
		if m := b.members[k]; !dropped[m.UserSISID] {
			out.State.Memberships = append(out.State.Memberships, m)
		}
	}
	for _, p := range b.prov {
		if dropped[p.UserSISID] {
			continue
		}
		slices.Sort(p.UnitCodes)
		out.Provenance = append(out.Provenance, *p)
	}
	slices.SortFunc(out.Provenance, func(a, c Provenance) int {
		return cmp.Or(cmp.Compare(a.CourseSISID, c.CourseSISID), cmp.Compare(a.UserSISID, c.UserSISID), cmp.Compare(a.EnrolmentID, c.EnrolmentID))
	})
	out.Diagnostics = b.d.finish()
	return out
}

// dayIn is the calendar day of t in loc, as midnight in loc.
func dayIn(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
