package vettraktest

import (
	"strconv"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

func getUnitsForOccurrence(c *call, o *occurrence) result {
	return c.list(len(o.unitCodes), func(w *xw) {
		w.open("UnitList")
		for _, code := range o.unitCodes {
			writeUnit(w, c.d.units[code])
		}
		w.close("UnitList")
	})
}

func getUnitsForEnrolment(c *call, e *enrolment) result {
	return listOf(c, "EnunList", "TEnun", e.units, func(w *xw, u *enrolledUnit) {
		w.record("TEnun", rec{"ID": e.ID, "Unit_Code": u.code, "Unit_Name": u.name, "Unit_Type": int(u.typ),
			"Result_Name": u.result, "AvetmissOutcome": u.outcome, "StartDate": u.start, "FinishDate": u.finish,
			"Percentage": u.pct, "Comment": u.comment})
	})
}

func getResultTypes(c *call) result {
	return listOf(c, "ResultTypeList", "TResultType", c.d.resultTypes, func(w *xw, rt vettrak.ResultType) {
		w.record("TResultType", rec{"Name": rt.Name, "AvetmissOutcome": rt.Outcome, "Active": rt.Active})
	})
}

func updateResult(c *call) result {
	r := c.r
	return setResult(c, r.int("iEnro_ID"), r.str("sUnit_Code"), r.str("sResult_Name"),
		r.time("xsdStart"), r.time("xsdFinish"), r.int("iPercentage"), "", false)
}

func updateResultIncludingLinked(c *call) result {
	r := c.r
	return setResult(c, r.int("enrolmentId"), r.str("unitCode"), r.str("resultName"),
		r.time("startDate"), r.time("finishDate"), r.int("percentage"), r.str("comment"), true)
}

// setResult is UpdateResult's documented checks and effect. The fake has
// no linked enrolments, so "including linked" updates the one unit.
func setResult(c *call, enrolmentID int, unitCode, resultName string, start, finish time.Time, pct int, comment string, withComment bool) result {
	if start.IsZero() || finish.IsZero() {
		return c.fail(vettrak.StatusFailed, "Start and finish dates are required.")
	}
	if start.After(finish) {
		return c.fail(vettrak.StatusFailed, "Start date must not be after finish date.")
	}
	if pct < -1 || pct > 100 {
		return c.fail(vettrak.StatusFailed, "Percentage must be between 0 and 100, or -1 if not scored.")
	}
	if len(unitCode) > 12 {
		return c.fail(vettrak.StatusFailed, "Unit code is longer than 12 characters.")
	}
	u, res, ok := enrolledUnitOf(c, enrolmentID, unitCode)
	if !ok {
		return res
	}
	rt, ok := c.d.resultType(resultName)
	if !ok {
		return c.fail(vettrak.StatusFailed, "'"+resultName+"' is not a valid Result Name.")
	}
	c.d.setResultLocked(u, rt, start, finish, pct)
	if withComment && comment != "" {
		u.comment = comment
	}
	return c.ok(nil)
}

func updateResultComment(c *call) result {
	id, code, comment := c.r.int("enrolmentId"), c.r.str("unitCode"), c.r.str("comment")
	if len(code) > 12 {
		return c.fail(vettrak.StatusFailed, "Unit code is longer than 12 characters.")
	}
	u, res, ok := enrolledUnitOf(c, id, code)
	if !ok {
		return res
	}
	u.comment = comment
	return c.ok(nil)
}

// enrolledUnitOf finds unit code on enrolment id; when there is none it
// returns the answer: "no records" for an unknown enrolment, a failure
// naming the unit for a unit the enrolment does not have.
func enrolledUnitOf(c *call, id int, code string) (*enrolledUnit, result, bool) {
	if c.d.enrolments[int64(id)] == nil {
		return nil, c.noRecords(), false
	}
	u := c.d.unitOf(int64(id), code)
	if u == nil {
		return nil, c.fail(vettrak.StatusFailed, "Unit '"+code+"' is not on enrolment "+strconv.Itoa(id)+"."), false
	}
	return u, result{}, true
}
