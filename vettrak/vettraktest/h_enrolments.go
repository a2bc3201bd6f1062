package vettraktest

import (
	"github.com/vtsync/vtsync/internal/xmltime"
	"github.com/vtsync/vtsync/vettrak"
)

// enrolmentsOf answers GetEnrolmentsForOccurrence and, with onlyNew,
// GetLMSNewEnrolmentsForOccurrence: the enrolments of the occurrence whose
// ID is in idParam.
func enrolmentsOf(idParam string, onlyNew bool) func(*call) result {
	return byOccurrence(idParam, func(c *call, o *occurrence) result {
		d := c.d
		var list []*enrolment
		for _, eid := range o.enrolments {
			if e := d.enrolments[eid]; e != nil && (!onlyNew || !e.Uploaded) {
				list = append(list, e)
			}
		}
		return listOf(c, "ClieEnroList", "TClieEnro", list, writeClieEnro)
	})
}

func updateEnrolment(c *call, e *enrolment) result {
	r, d := c.r, c.d
	status := r.str("enrolmentStatus")
	doe, hasDoe := r.optTime("dateOfEffect")
	start, hasStart := r.optTime("startDate")
	finish, hasFinish := r.optTime("finishDate")
	newStart, newFinish := e.StartDate, e.EndDate
	if hasStart {
		newStart = start
	}
	if hasFinish {
		newFinish = finish
	}
	if newStart.After(newFinish) {
		return c.fail(vettrak.StatusFailed, "Start date must not be after finish date.")
	}
	if status != "" {
		st, ok := d.status(status)
		if !ok {
			return c.fail(vettrak.StatusFailed, "Invalid enrolment status '"+status+"'.")
		}
		e.Status, e.StatusType = st.Name, st.Type
		if !hasDoe {
			doe = xmltime.Date(d.now(), c.s.loc)
		}
		e.DateOfEffect = &doe
	} else if hasDoe {
		e.DateOfEffect = &doe
	}
	e.StartDate, e.EndDate = newStart, newFinish
	if r.has("enrolmentType") {
		e.EnrolmentType = r.str("enrolmentType")
	}
	return c.ok(nil)
}
