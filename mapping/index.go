package mapping

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// Snapshot is everything read from VETtrak for one run. Slices may be in any
// order and may repeat records; the mapping sorts and de-duplicates them, so
// the same records give the same result however they were read.
type Snapshot struct {
	Programmes  []record.Programme  `json:"programmes,omitempty"`
	Occurrences []record.Occurrence `json:"occurrences,omitempty"` // with Units and Staff filled
	Enrolments  []record.Enrolment  `json:"enrolments,omitempty"`
	// EnrolledUnits are the units on each enrolment with their current
	// results. A learner with none here is placed by the occurrence's
	// units; results are written only for enrolled units read here.
	EnrolledUnits []record.EnrolledUnit `json:"enrolled_units,omitempty"`
	Clients       []record.Person       `json:"clients,omitempty"` // learners and staff, by Code
	// Staff holds links not already on Occurrence.Staff: per enrolment
	// (EnrolmentID), per learner (ClientCode only) or per occurrence. A
	// VETtrak staff link names no unit: it applies to every unit of its
	// occurrence or enrolment.
	Staff   []record.StaffLink     `json:"staff,omitempty"`
	Deleted []record.DeletedRecord `json:"deleted,omitempty"`
}

// unitRef is a unit as the mapping keys it.
type unitRef struct {
	code string // normalised
	raw  string // as VETtrak spells it
	name string
}

// occInfo is an occurrence with its units and staff resolved.
type occInfo struct {
	occ       record.Occurrence
	units     []unitRef // from Occurrence.Units, de-duplicated, sorted by code
	unitsRead bool
	staff     []record.StaffLink // occurrence-level links, sorted
	enrols    []record.Enrolment // sorted by ID
}

// index is a snapshot sorted, de-duplicated and keyed for lookups.
type index struct {
	cfg          Config
	d            *diags
	programmes   map[int64]record.Programme
	occs         []*occInfo
	occByID      map[int64]*occInfo
	enrolByID    map[int64]record.Enrolment
	enrolUnits   map[int64][]record.EnrolledUnit // by enrolment, sorted by normalised code
	clients      map[string]record.Person        // by trimmed code
	staffByEnrol map[int64][]record.StaffLink
	staffByLearn map[string][]record.StaffLink
	deletedEnrol map[int64]bool
	deletedClie  map[string]bool
	unresolved   []int64 // enrolment tombstones the snapshot does not hold
	unitNames    map[string]string
}

// dedupe sorts records by key, keeps one record per key and reports keys
// whose records differ. Among records with one key the one with the
// smallest full content is kept, so the choice does not depend on input
// order.
func dedupe[T any](in []T, key func(T) string, report func(key string, n int)) []T {
	type kv struct {
		k string
		i int
	}
	ks := make([]kv, len(in))
	for i, v := range in {
		ks[i] = kv{key(v), i}
	}
	slices.SortFunc(ks, func(a, b kv) int { return cmp.Or(strings.Compare(a.k, b.k), cmp.Compare(a.i, b.i)) })
	res := make([]T, 0, len(in))
	for i := 0; i < len(ks); {
		j := i + 1
		for j < len(ks) && ks[j].k == ks[i].k {
			j++
		}
		if j-i == 1 {
			res = append(res, in[ks[i].i])
			i = j
			continue
		}
		contents := make([]string, 0, j-i)
		best := ks[i].i
		for _, x := range ks[i:j] {
			c := contentKey(in[x.i])
			if !slices.Contains(contents, c) {
				contents = append(contents, c)
			}
			if c < contentKey(in[best]) {
				best = x.i
			}
		}
		if len(contents) > 1 && report != nil {
			report(ks[i].k, len(contents))
		}
		res = append(res, in[best])
		i = j
	}
	return res
}

// contentKey is a record's full content as text. JSON, unlike %v, follows
// pointers, so two equal records always give the same key.
func contentKey(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// i64 is a sortable key for an ID: zero-padded to 20 digits (negative IDs,
// which VETtrak does not use, sort first).
func i64(v int64) string {
	if v < 0 {
		return "-" + strconv.FormatInt(v, 10)
	}
	s := strconv.FormatInt(v, 10)
	return strings.Repeat("0", 20-len(s)) + s
}

func newIndex(cfg Config, snap Snapshot, d *diags) *index {
	ix := &index{
		cfg: cfg, d: d,
		programmes:   map[int64]record.Programme{},
		occByID:      map[int64]*occInfo{},
		enrolByID:    map[int64]record.Enrolment{},
		enrolUnits:   map[int64][]record.EnrolledUnit{},
		clients:      map[string]record.Person{},
		staffByEnrol: map[int64][]record.StaffLink{},
		staffByLearn: map[string][]record.StaffLink{},
		deletedEnrol: map[int64]bool{},
		deletedClie:  map[string]bool{},
		unitNames:    map[string]string{},
	}
	dup := func(kind RecordKind) func(string, int) {
		return func(k string, n int) {
			k = strings.TrimLeft(k, "0")
			d.add(SeverityWarning, CodeDuplicateRecord, Record{kind, k}, "the snapshot holds %d different versions; one is used", n)
		}
	}

	for _, p := range dedupe(snap.Programmes, func(p record.Programme) string { return i64(p.ID) }, dup(RecordProgramme)) {
		ix.programmes[p.ID] = p
	}

	for _, o := range dedupe(snap.Occurrences, func(o record.Occurrence) string { return i64(o.ID) }, dup(RecordOccurrence)) {
		if o.ID <= 0 {
			d.add(SeverityError, CodeMissingField, occurrenceRecord(o.ID), "occurrence %q has no ID; it is skipped", o.Code)
			continue
		}
		oi := &occInfo{occ: o, unitsRead: o.Units != nil}
		byCode := map[string][]record.Unit{}
		for _, u := range o.Units {
			n := NormalizeUnitCode(u.Code)
			if n == "" {
				d.add(SeverityWarning, CodeMissingField, occurrenceRecord(o.ID), "a unit (%q) has no code; it is skipped", u.Name)
				continue
			}
			byCode[n] = append(byCode[n], u)
		}
		for _, n := range slices.Sorted(maps.Keys(byCode)) {
			us := byCode[n]
			slices.SortFunc(us, func(a, b record.Unit) int {
				return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type))
			})
			us = slices.Compact(us)
			if len(us) > 1 {
				d.add(SeverityWarning, CodeDuplicateUnit, occurrenceRecord(o.ID), "%d units share code %s (%q…); they map to one course", len(us), n, us[0].Name)
			}
			oi.units = append(oi.units, unitRef{code: n, raw: strings.TrimSpace(us[0].Code), name: cleanText(us[0].Name)})
			ix.noteUnitName(n, us[0].Name)
		}
		for _, l := range o.Staff {
			if l.LinkType == record.LinkEnrolment && l.EnrolmentID != 0 {
				// A learner's own trainer or assessor, listed with the
				// occurrence: it applies to that enrolment only.
				ix.staffByEnrol[l.EnrolmentID] = append(ix.staffByEnrol[l.EnrolmentID], l)
				continue
			}
			if l.OccurrenceID == 0 {
				l.OccurrenceID = o.ID
			}
			oi.staff = append(oi.staff, l)
		}
		ix.occs = append(ix.occs, oi)
		ix.occByID[o.ID] = oi
	}

	for _, r := range snap.Deleted {
		id := strings.TrimSpace(r.ID)
		switch strings.ToUpper(strings.TrimSpace(r.Table)) {
		case "ENROLMENT":
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 {
				d.add(SeverityWarning, CodeMissingField, Record{RecordTombstone, r.Table + ":" + r.ID}, "enrolment tombstone ID is not a number; ignored")
				continue
			}
			ix.deletedEnrol[n] = true
		case "CLIENT":
			if id != "" {
				ix.deletedClie[id] = true
			}
		}
	}

	for _, e := range dedupe(snap.Enrolments, func(e record.Enrolment) string { return i64(e.ID) }, dup(RecordEnrolment)) {
		e.ClientCode = strings.TrimSpace(e.ClientCode)
		switch {
		case e.ID <= 0:
			d.add(SeverityError, CodeMissingField, enrolmentRecord(e.ID), "enrolment of client %q has no ID; it is skipped", e.ClientCode)
			continue
		case e.ClientCode == "":
			d.add(SeverityError, CodeMissingField, enrolmentRecord(e.ID), "enrolment has no client code; it is skipped")
			continue
		}
		oi := ix.occByID[e.OccurrenceID]
		if oi == nil {
			d.add(SeverityWarning, CodeUnknownOccurrence, enrolmentRecord(e.ID), "occurrence %d is not in the snapshot; the enrolment is skipped", e.OccurrenceID)
			continue
		}
		ix.enrolByID[e.ID] = e
		oi.enrols = append(oi.enrols, e)
	}
	for id := range ix.deletedEnrol {
		if _, ok := ix.enrolByID[id]; !ok {
			ix.unresolved = append(ix.unresolved, id)
			d.add(SeverityInfo, CodeTombstoneUnresolved, enrolmentRecord(id), "enrolment was deleted in VETtrak and is not in the snapshot; the Syncer resolves it from its own records (Desired.DeletedEnrolments)")
		}
	}
	slices.Sort(ix.unresolved)

	eu := dedupe(snap.EnrolledUnits, func(u record.EnrolledUnit) string {
		return i64(u.EnrolmentID) + "|" + NormalizeUnitCode(u.UnitCode)
	}, dup(RecordEnrolledUnit))
	for _, u := range eu {
		n := NormalizeUnitCode(u.UnitCode)
		switch {
		case n == "":
			d.add(SeverityWarning, CodeMissingField, enrolmentRecord(u.EnrolmentID), "an enrolled unit has no unit code; it is skipped")
			continue
		case !hasKey(ix.enrolByID, u.EnrolmentID):
			if !ix.deletedEnrol[u.EnrolmentID] {
				d.add(SeverityInfo, CodeUnknownEnrolment, enrolledUnitRecord(u.EnrolmentID, n), "enrolment %d is not in the snapshot; the unit is skipped", u.EnrolmentID)
			}
			continue
		}
		ix.enrolUnits[u.EnrolmentID] = append(ix.enrolUnits[u.EnrolmentID], u)
		ix.noteUnitName(n, u.UnitName)
	}

	for _, c := range dedupe(snap.Clients, func(c record.Person) string { return strings.TrimSpace(c.Code) }, dup(RecordClient)) {
		c.Code = strings.TrimSpace(c.Code)
		if c.Code == "" {
			d.add(SeverityWarning, CodeMissingField, clientRecord(""), "a client (%q %q) has no code; it is skipped", cleanText(c.GivenName), cleanText(c.Surname))
			continue
		}
		ix.clients[c.Code] = c
	}

	// Staff links: the extra list; occurrence-level links join their
	// occurrence. Exact repeats (the same link read twice) collapse.
	extra := dedupe(snap.Staff, staffKey, nil)
	for _, l := range extra {
		switch {
		case l.EnrolmentID != 0:
			ix.staffByEnrol[l.EnrolmentID] = append(ix.staffByEnrol[l.EnrolmentID], l)
		case l.OccurrenceID != 0:
			if oi := ix.occByID[l.OccurrenceID]; oi != nil {
				oi.staff = append(oi.staff, l)
			} else {
				d.add(SeverityInfo, CodeUnknownOccurrence, Record{RecordStaff, strings.TrimSpace(l.StaffCode)}, "linked to occurrence %d, which is not in the snapshot", l.OccurrenceID)
			}
		case strings.TrimSpace(l.ClientCode) != "":
			k := strings.TrimSpace(l.ClientCode)
			ix.staffByLearn[k] = append(ix.staffByLearn[k], l)
		default:
			d.add(SeverityInfo, CodeMissingField, Record{RecordStaff, strings.TrimSpace(l.StaffCode)}, "staff link names no occurrence, enrolment or learner; ignored")
		}
	}
	for _, oi := range ix.occs {
		oi.staff = dedupe(oi.staff, staffKey, nil)
	}
	for id, ls := range ix.staffByEnrol {
		ix.staffByEnrol[id] = dedupe(ls, staffKey, nil)
	}
	return ix
}

func staffKey(l record.StaffLink) string {
	return strings.Join([]string{strings.TrimSpace(l.StaffCode), strings.ToLower(strings.TrimSpace(l.StaffType)),
		i64(l.OccurrenceID), i64(l.EnrolmentID), strings.TrimSpace(l.ClientCode), strconv.Itoa(int(l.LinkType)), i64(l.LinkID)}, "|")
}

func hasKey[K comparable, V any](m map[K]V, k K) bool { _, ok := m[k]; return ok }

// noteUnitName keeps the smallest non-empty name seen for a unit, so the
// name of a created course does not depend on reading order.
func (ix *index) noteUnitName(code, name string) {
	name = cleanText(name)
	if name == "" {
		return
	}
	if cur, ok := ix.unitNames[code]; !ok || name < cur {
		ix.unitNames[code] = name
	}
}

// learnerUnits are the units of an enrolment: its enrolled units when the
// snapshot has them, else the occurrence's units.
func (ix *index) learnerUnits(oi *occInfo, e record.Enrolment) []unitRef {
	eus := ix.enrolUnits[e.ID]
	if len(eus) == 0 {
		return oi.units
	}
	out := make([]unitRef, 0, len(eus))
	for _, u := range eus {
		out = append(out, unitRef{code: NormalizeUnitCode(u.UnitCode), raw: strings.TrimSpace(u.UnitCode), name: cleanText(u.UnitName)})
	}
	return out
}

// occUnits are the occurrence's units together with every unit its
// enrolments carry, sorted by code.
func (ix *index) occUnits(oi *occInfo) []unitRef {
	seen := map[string]bool{}
	var out []unitRef
	add := func(u unitRef) {
		if !seen[u.code] {
			seen[u.code] = true
			out = append(out, u)
		}
	}
	for _, u := range oi.units {
		add(u)
	}
	for _, e := range oi.enrols {
		for _, u := range ix.enrolUnits[e.ID] {
			add(unitRef{code: NormalizeUnitCode(u.UnitCode), raw: strings.TrimSpace(u.UnitCode), name: cleanText(u.UnitName)})
		}
	}
	slices.SortFunc(out, func(a, b unitRef) int { return cmp.Compare(a.code, b.code) })
	return out
}

// status is the LMS status a learner's enrolment maps to, from explicit
// VETtrak signals only.
func (ix *index) status(e record.Enrolment) lms.Status {
	switch {
	case ix.deletedEnrol[e.ID]:
		ix.d.add(SeverityInfo, CodeDeleted, enrolmentRecord(e.ID), "deleted in VETtrak (tombstone); LMS enrolments become %s", ix.cfg.DeletedStatus)
		return ix.cfg.DeletedStatus
	case ix.deletedClie[e.ClientCode]:
		ix.d.add(SeverityInfo, CodeDeleted, enrolmentRecord(e.ID), "client %q was deleted in VETtrak (tombstone); LMS enrolments become %s", e.ClientCode, ix.cfg.DeletedStatus)
		return ix.cfg.DeletedStatus
	case ix.cfg.Withdrawal.Withdrawn(e):
		ix.d.add(SeverityInfo, CodeWithdrawn, enrolmentRecord(e.ID), "status %q is a withdrawal; LMS enrolments become %s", cleanText(e.Status), ix.cfg.WithdrawnStatus)
		return ix.cfg.WithdrawnStatus
	case e.StatusType == 1:
		return ix.cfg.CompletedStatus
	}
	return lms.StatusActive
}

// staffRole classifies a link; ok is false for staff types that are neither
// trainer nor assessor.
func (ix *index) staffRole(l record.StaffLink) (trainer, assessor bool) {
	trainer, assessor = ix.cfg.Staff.IsTrainer(l.StaffType), ix.cfg.Staff.IsAssessor(l.StaffType)
	if !trainer && !assessor {
		ix.d.add(SeverityInfo, CodeUnknownStaffType, Record{RecordStaff, strings.TrimSpace(l.StaffType)}, "staff type is neither trainer nor assessor (Config.Staff); such links are ignored")
	}
	return trainer, assessor
}

// cleanText trims a name and removes control and invisible format
// characters, which have no place in an LMS name. Two kinds of format
// character are part of the text rather than noise and stay: a zero-width
// joiner or non-joiner between two visible characters (emoji ZWJ sequences
// such as 👩‍🔬, and the joiners Persian and Indic scripts need), and the tag
// characters after U+1F3F4 that spell a subdivision flag (🏴 + "gbsct").
// Removing them would split one character the learner sees into several.
func cleanText(s string) string {
	if !strings.ContainsFunc(s, noise) {
		return strings.TrimSpace(s)
	}
	rs := []rune(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	for i, r := range rs {
		if noise(r) && !joining(rs, i) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func noise(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

// joining reports whether the format character rs[i] belongs to the
// character sequence around it (see cleanText).
func joining(rs []rune, i int) bool {
	visible := func(r rune) bool { return !noise(r) && !unicode.IsSpace(r) }
	const blackFlag, cancelTag = 0x1F3F4, 0xE007F
	isTag := func(r rune) bool { return r >= 0xE0020 && r <= cancelTag }
	switch r := rs[i]; {
	case r == '\u200d' || r == '\u200c':
		return i > 0 && i+1 < len(rs) && visible(rs[i-1]) && visible(rs[i+1])
	case isTag(r):
		// A tag run starts right after the black flag and ends with
		// CANCEL TAG; a run that never ends is not a flag.
		j := i
		for j > 0 && isTag(rs[j-1]) {
			j--
		}
		if j == 0 || rs[j-1] != blackFlag {
			return false
		}
		for k := i; k < len(rs) && isTag(rs[k]); k++ {
			if rs[k] == cancelTag {
				return true
			}
		}
	}
	return false
}

func occName(o record.Occurrence) string {
	for _, s := range []string{o.Description, o.Code} {
		if c := cleanText(s); c != "" {
			return c
		}
	}
	return "Occurrence " + strconv.FormatInt(o.ID, 10)
}
