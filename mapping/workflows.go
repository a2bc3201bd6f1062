package mapping

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// unitWorkflows places the Unit, Subject and Occurrence-groups workflows:
// a course per unit, and within it a section (Unit, Subject) or group
// (Occurrence groups) per occurrence or trainer.
func (b *builder) unitWorkflows() {
	wf := b.cfg.Workflow
	perTrainer := wf == WorkflowUnit && b.cfg.Sections == SectionPerTrainer
	roles := b.cfg.Staff
	for _, oi := range b.ix.occs {
		o := oi.occ
		orec := occurrenceRecord(o.ID)
		units := b.ix.occUnits(oi)
		b.checkUnits(oi, true)
		oname := occName(o)

		// container returns the occurrence's section or group in a course.
		container := func(cid string) string {
			if wf == WorkflowOccurrenceGroups {
				return b.group(cid, b.cfg.SIS.OccurrenceGroup(cid, o.ID), oname, "occurrence "+strconv.FormatInt(o.ID, 10), orec)
			}
			return b.section(cid, b.cfg.SIS.OccurrenceSection(cid, o.ID), oname, "occurrence "+strconv.FormatInt(o.ID, 10), orec)
		}
		trainerSection := func(cid string, l record.StaffLink) string {
			code := strings.TrimSpace(l.StaffCode)
			return b.section(cid, b.cfg.SIS.TrainerSection(cid, code), b.staffName(l), "trainer "+code, Record{RecordStaff, code})
		}

		for _, u := range units {
			cid := b.courseForUnit(u)
			if cid == "" {
				continue
			}
			b.noteCourse(cid, u.code, o.ID)
			var c string
			if !perTrainer { // trainer mode makes the occurrence's section only as a fallback
				c = container(cid)
			}
			trainers, assessors := b.staffSplit(oi.staff)
			for _, l := range trainers {
				code := strings.TrimSpace(l.StaffCode)
				switch {
				case perTrainer:
					b.enrol(cid, trainerSection(cid, l), code, roles.TrainerRole, lms.StatusActive)
				case wf == WorkflowOccurrenceGroups:
					b.enrol(cid, "", code, roles.TrainerRole, lms.StatusActive)
				default:
					b.enrol(cid, c, code, roles.TrainerRole, lms.StatusActive)
				}
			}
			for _, l := range assessors {
				b.enrol(cid, "", strings.TrimSpace(l.StaffCode), roles.AssessorRole, lms.StatusActive)
			}
		}

		for _, e := range oi.enrols {
			st := b.ix.status(e)
			b.notePersonFromEnrolment(e)
			personal := append(slices.Clone(b.ix.staffByEnrol[e.ID]), b.ix.staffByLearn[e.ClientCode]...)
			for _, u := range b.ix.learnerUnits(oi, e) {
				cid := b.courseForUnit(u)
				if cid == "" {
					continue
				}
				b.noteCourse(cid, u.code, o.ID)
				ptrainers, passessors := b.staffSplit(personal)
				for _, l := range passessors {
					b.enrol(cid, "", strings.TrimSpace(l.StaffCode), roles.AssessorRole, lms.StatusActive)
				}
				switch {
				case wf == WorkflowOccurrenceGroups:
					b.enrol(cid, "", e.ClientCode, lms.RoleStudent, st)
					b.member(container(cid), e.ClientCode, st)
					for _, l := range ptrainers {
						b.enrol(cid, "", strings.TrimSpace(l.StaffCode), roles.TrainerRole, lms.StatusActive)
					}
				case perTrainer:
					trainers := ptrainers
					if len(trainers) == 0 {
						trainers, _ = b.staffSplit(oi.staff)
					}
					if len(trainers) == 0 {
						b.d.add(SeverityInfo, CodeNoTrainer, orec, "no trainer for unit %s; its learners join the occurrence's section", u.code)
						b.enrol(cid, container(cid), e.ClientCode, lms.RoleStudent, st)
					}
					for _, l := range trainers {
						sid := trainerSection(cid, l)
						b.enrol(cid, sid, e.ClientCode, lms.RoleStudent, st)
						b.enrol(cid, sid, strings.TrimSpace(l.StaffCode), roles.TrainerRole, lms.StatusActive)
					}
				default:
					sid := container(cid)
					b.enrol(cid, sid, e.ClientCode, lms.RoleStudent, st)
					for _, l := range ptrainers {
						b.enrol(cid, sid, strings.TrimSpace(l.StaffCode), roles.TrainerRole, lms.StatusActive)
					}
				}
				b.provenance(cid, e, u.code, st)
			}
		}
	}
}

// moduleWorkflow: a course per programme, a section per occurrence.
func (b *builder) moduleWorkflow() {
	roles := b.cfg.Staff
	for _, oi := range b.ix.occs {
		o := oi.occ
		orec := occurrenceRecord(o.ID)
		if o.ProgrammeID == 0 {
			b.d.add(SeverityError, CodeNoProgramme, orec, "the occurrence names no programme; it is not placed")
			continue
		}
		b.checkUnits(oi, false)
		p, ok := b.ix.programmes[o.ProgrammeID]
		name, code := cleanText(p.Name), cleanText(p.Code)
		if !ok || name == "" {
			name = cleanText(o.ProgrammeName)
		}
		if !ok || code == "" {
			code = cleanText(o.ProgrammeCode)
		}
		if name == "" {
			name = cmp.Or(code, "Programme "+strconv.FormatInt(o.ProgrammeID, 10))
		}
		c := lms.Course{SISID: b.cfg.SIS.ProgrammeCourse(o.ProgrammeID), Name: name, Code: code}
		if ex, ok := b.existingBySIS[c.SISID]; ok {
			c.ID = ex.ID
		}
		cid := c.SISID
		if _, done := b.courses[cid]; !done {
			cid = b.claimCourse(c, "programme "+strconv.FormatInt(o.ProgrammeID, 10), Record{RecordProgramme, strconv.FormatInt(o.ProgrammeID, 10)}, false)
		}
		if cid == "" {
			continue
		}
		b.noteCourse(cid, "", o.ID)
		for _, u := range b.ix.occUnits(oi) {
			b.noteCourse(cid, u.code, 0)
		}
		sid := b.section(cid, b.cfg.SIS.OccurrenceSection(cid, o.ID), occName(o), "occurrence "+strconv.FormatInt(o.ID, 10), orec)
		b.placeFlat(oi, cid, sid, roles)
	}
}

// courseEnd turns VETtrak's end date into the instant the course ends.
// VETtrak sends the last day at midnight ("2026-04-10T00:00:00"): taken as
// is, a one-day class would end the moment it starts, so a bare date ends
// when that day ends, at the next midnight in the same zone.
func courseEnd(end time.Time) time.Time {
	if h, m, sec := end.Clock(); h == 0 && m == 0 && sec == 0 && end.Nanosecond() == 0 {
		return end.AddDate(0, 0, 1)
	}
	return end
}

// courseWorkflow: a course per occurrence.
func (b *builder) courseWorkflow() {
	roles := b.cfg.Staff
	for _, oi := range b.ix.occs {
		o := oi.occ
		b.checkUnits(oi, false)
		c := lms.Course{SISID: b.cfg.SIS.OccurrenceCourse(o.ID), Name: occName(o), Code: cmp.Or(cleanText(o.Code), "OCC"+strconv.FormatInt(o.ID, 10))}
		if !o.StartDate.IsZero() {
			c.Start = ptr(o.StartDate)
		}
		if !o.EndDate.IsZero() {
			c.End = ptr(courseEnd(o.EndDate))
		}
		if ex, ok := b.existingBySIS[c.SISID]; ok {
			c.ID = ex.ID
		}
		cid := b.claimCourse(c, "occurrence "+strconv.FormatInt(o.ID, 10), occurrenceRecord(o.ID), false)
		if cid == "" {
			continue
		}
		b.noteCourse(cid, "", o.ID)
		for _, u := range b.ix.occUnits(oi) {
			b.noteCourse(cid, u.code, 0)
		}
		b.placeFlat(oi, cid, "", roles)
	}
}

// placeFlat places an occurrence's staff and learners in one course
// (section sid, or the course itself when sid is "").
func (b *builder) placeFlat(oi *occInfo, cid, sid string, roles StaffRoles) {
	trainers, assessors := b.staffSplit(oi.staff)
	for _, l := range trainers {
		b.enrol(cid, sid, strings.TrimSpace(l.StaffCode), roles.TrainerRole, lms.StatusActive)
	}
	for _, l := range assessors {
		b.enrol(cid, "", strings.TrimSpace(l.StaffCode), roles.AssessorRole, lms.StatusActive)
	}
	for _, e := range oi.enrols {
		st := b.ix.status(e)
		b.notePersonFromEnrolment(e)
		b.enrol(cid, sid, e.ClientCode, lms.RoleStudent, st)
		pt, pa := b.staffSplit(append(slices.Clone(b.ix.staffByEnrol[e.ID]), b.ix.staffByLearn[e.ClientCode]...))
		for _, l := range pt {
			b.enrol(cid, sid, strings.TrimSpace(l.StaffCode), roles.TrainerRole, lms.StatusActive)
		}
		for _, l := range pa {
			b.enrol(cid, "", strings.TrimSpace(l.StaffCode), roles.AssessorRole, lms.StatusActive)
		}
		units := b.ix.learnerUnits(oi, e)
		b.provenance(cid, e, "", st)
		for _, u := range units {
			b.provenance(cid, e, u.code, st)
		}
	}
}
