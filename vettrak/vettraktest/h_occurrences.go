package vettraktest

import (
	"strings"

	"github.com/vtsync/vtsync/vettrak"
)

func getLMSNewOccurrences(c *call) result {
	d := c.d
	var list []*occurrence
	for _, id := range d.occOrder {
		if o := d.occurrences[id]; o != nil && !o.Uploaded {
			list = append(list, o)
		}
	}
	return listOf(c, "OccuList", "TOccu", list, writeOccu)
}

func getOccurrenceExtendedDetails(c *call, o *occurrence) result {
	return c.ok(func(w *xw) {
		w.open("OccuExtended")
		c.d.writeOccuExtended(w, o, true, true)
		w.close("OccuExtended")
	})
}

func searchWebOccurrences(c *call) result {
	r := c.r
	progID, hasProg := r.optInt("programmeId")
	start, hasStart := r.optTime("startDate")
	end, hasEnd := r.optTime("endDate")
	overlap := r.bool("overlapDates")
	loca := r.str("locationCode")
	full, _ := r.optBool("includeFull")
	var units, staff bool
	for _, l := range r.list("returnOccurrenceLists") {
		switch strings.TrimSpace(l) {
		case "Units":
			units = true
		case "Staff":
			staff = true
		}
	}
	if hasStart && hasEnd && start.After(end) {
		return c.fail(vettrak.StatusFailed, "Start date must not be after end date.")
	}
	d := c.d
	var list []*occurrence
	for _, id := range d.occOrder {
		o := d.occurrences[id]
		if hasProg && o.ProgrammeID != int64(progID) {
			continue
		}
		if loca != "" && !strings.EqualFold(o.LocationCode, loca) {
			continue
		}
		if !full && o.Vacancies != nil && *o.Vacancies <= 0 {
			continue
		}
		if overlap {
			if hasStart && o.EndDate.Before(start) || hasEnd && o.StartDate.After(end) {
				continue
			}
		} else if hasStart && o.StartDate.Before(start) || hasEnd && o.StartDate.After(end) {
			continue
		}
		list = append(list, o)
	}
	return listOf(c, "OccuExtendedList", "TOccuExtended", list, func(w *xw, o *occurrence) {
		d.writeOccuExtended(w, o, units, staff)
	})
}

// writeOccuExtended writes a TOccuExtended. The inner types of Staff and
// Units are UNCONFIRMED (the WSDL's guesses TClieStaffLinks and TUnit);
// Staff holds the occurrence's own links (LinkType 0), grouped per staff
// member.
func (d *Dataset) writeOccuExtended(w *xw, o *occurrence, units, staff bool) {
	v := rec{"OccurrenceDetail": func(w *xw) { writeOccu(w, o) }}
	if staff {
		v["Staff"] = func(w *xw) {
			d.writeStaffGroups(w, byStaffMember(o.staff))
		}
	}
	if units {
		v["Units"] = func(w *xw) {
			for _, code := range o.unitCodes {
				writeUnit(w, d.units[code])
			}
		}
	}
	w.record("TOccuExtended", v)
}
