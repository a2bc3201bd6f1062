package vettraktest

// The LMS flags: GetLMSNew… list the occurrences and enrolments whose
// Uploaded flag is not set; UpdateLMS…Status sets or clears it.

// setUploaded answers the UpdateLMS…Status operations: flag finds the LMS
// flag of record iID (nil when there is no such record).
func setUploaded(flag func(d *Dataset, id int64) *bool) func(*call) result {
	return func(c *call) result {
		// iStatus: 1 = in the LMS, 0 = not (DOC221).
		id, up := c.r.int("iID"), c.r.int("iStatus")
		f := flag(c.d, int64(id))
		if f == nil {
			return c.noRecords()
		}
		*f = up != 0
		return c.ok(nil)
	}
}

func occurrenceFlag(d *Dataset, id int64) *bool {
	if o := d.occurrences[id]; o != nil {
		return &o.Uploaded
	}
	return nil
}

func enrolmentFlag(d *Dataset, id int64) *bool {
	if e := d.enrolments[id]; e != nil {
		return &e.Uploaded
	}
	return nil
}
