package vettraktest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/internal/xmltime"
	"github.com/vtsync/vtsync/vettrak"
)

// result is an operation's answer: the inner XML of <OpResult> and the
// VETtrak status it carries.
type result struct {
	status int
	body   []byte
}

type handler func(*Server, *request) result

func handlerFor(op string) handler {
	switch op {
	case "ValidateClient", "ValidateUser":
		return (*Server).validate
	case "GetLMSNewOccurrences":
		return (*Server).getLMSNewOccurrences
	case "GetLMSNewEnrolmentsForOccurrence":
		return (*Server).getLMSNewEnrolments
	case "UpdateLMSOccurrenceStatus":
		return (*Server).updateLMSOccurrenceStatus
	case "UpdateLMSEnrolmentStatus":
		return (*Server).updateLMSEnrolmentStatus
	case "GetOccurrenceExtendedDetails":
		return (*Server).getOccurrenceExtendedDetails
	case "SearchWebOccurrences":
		return (*Server).searchWebOccurrences
	case "GetEnrolmentsForOccurrence":
		return (*Server).getEnrolmentsForOccurrence
	case "GetUnitsForOccurrence":
		return (*Server).getUnitsForOccurrence
	case "GetUnitsForEnrolment":
		return (*Server).getUnitsForEnrolment
	case "GetClientDetails":
		return (*Server).getClientDetails
	case "GetAccessibleClients":
		return (*Server).getAccessibleClients
	case "GetStaffForClient":
		return (*Server).getStaffForClient
	case "GetClientsForStaff":
		return (*Server).getClientsForStaff
	case "GetResultTypes":
		return (*Server).getResultTypes
	case "UpdateResult":
		return (*Server).updateResult
	case "UpdateResultIncludingLinked":
		return (*Server).updateResultIncludingLinked
	case "UpdateResultComment":
		return (*Server).updateResultComment
	case "UpdateEnrolment":
		return (*Server).updateEnrolment
	case "GetDeletedRecordsSince":
		return (*Server).getDeletedRecordsSince
	}
	return nil
}

// tokenParam is the parameter each operation carries its token in.
func tokenParam(op string) string {
	switch op {
	case "GetLMSNewOccurrences", "GetLMSNewEnrolmentsForOccurrence", "UpdateLMSOccurrenceStatus",
		"UpdateLMSEnrolmentStatus", "GetEnrolmentsForOccurrence", "GetUnitsForOccurrence",
		"GetUnitsForEnrolment", "GetClientDetails", "GetResultTypes", "UpdateResult":
		return "sToken"
	}
	return "token"
}

// call is one authorised operation in progress.
type call struct {
	s     *Server
	r     *request
	user  *User
	token string
	bare  bool // the result is a bare TAuthenticate
}

// begin checks the token and the licence. On failure it returns the
// answer to send.
func (s *Server) begin(r *request, bare bool) (*call, *result) {
	c := &call{s: s, r: r, bare: bare, token: r.str(tokenParam(r.op))}
	u, st, msg := s.authorise(c.token)
	if st != vettrak.StatusOK {
		res := c.answer(st, msg, nil)
		return nil, &res
	}
	c.user = u
	if !s.licensed(r.op) {
		res := c.answer(vettrak.StatusMissingRegistration, "The registration key does not contain an entry for the function "+r.op+".", nil)
		return nil, &res
	}
	return c, nil
}

func (c *call) w() *xw { return &xw{loc: c.s.loc} }

// answer writes the TAuthenticate (bare, or as <Auth>) and, on success,
// the body.
func (c *call) answer(status int, msg string, body func(*xw)) result {
	w := c.w()
	if !c.bare {
		w.open("Auth")
	}
	writeAuth(w, c.user, c.token, status, msg)
	if !c.bare {
		w.close("Auth")
	}
	if status == vettrak.StatusOK && body != nil {
		body(w)
	}
	return result{status: status, body: w.b.Bytes()}
}

func (c *call) ok(body func(*xw)) result { return c.answer(vettrak.StatusOK, "", body) }

func (c *call) fail(status int, msg string) result { return c.answer(status, msg, nil) }

func (c *call) noRecords() result { return c.fail(vettrak.StatusNoRecords, "No records found.") }

// list answers a list: "no records" when empty, unless WithEmptyListsOK.
func (c *call) list(n int, body func(*xw)) result {
	if n == 0 {
		if c.s.okEmpty {
			return c.ok(nil)
		}
		return c.noRecords()
	}
	return c.ok(body)
}

func writeAuth(w *xw, u *User, token string, status int, msg string) {
	if u == nil {
		w.int("ID", -1)
		w.str("Token", "")
		w.int("Status", int64(status))
		w.str("StatusMessage", msg)
		w.text("Identifier", "-1")
		return
	}
	w.int("ID", int64(u.ID))
	w.str("Token", token)
	w.int("Status", int64(status))
	w.str("StatusMessage", msg)
	w.str("Identifier", u.Identifier)
	w.str("TokenType", u.TokenType)
}

// ---- authentication ----

func (s *Server) validate(r *request) result {
	user, pass := r.str("sUsername"), r.str("sPassword")
	s.data.mu.RLock()
	u := s.data.users[user]
	s.data.mu.RUnlock()
	w := &xw{loc: s.loc}
	if u == nil || u.Password != pass || len(user) > 50 || len(pass) > 50 {
		w.int("ID", -1)
		w.int("Status", int64(vettrak.StatusFailed))
		w.text("StatusMessage", "Invalid Username/Password Combination.")
		w.text("Identifier", "-1")
		return result{status: vettrak.StatusFailed, body: w.b.Bytes()}
	}
	tok := s.newToken(u)
	writeAuth(w, u, tok, vettrak.StatusOK, "Success")
	return result{status: vettrak.StatusOK, body: w.b.Bytes()}
}

// ---- occurrences ----

func (s *Server) getLMSNewOccurrences(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	var list []*occurrence
	for _, id := range d.occOrder {
		if o := d.occurrences[id]; o != nil && !o.Uploaded {
			list = append(list, o)
		}
	}
	return c.list(len(list), func(w *xw) {
		w.open("OccuList")
		for _, o := range list {
			w.open("TOccu")
			writeOccu(w, &o.Occurrence)
			w.close("TOccu")
		}
		w.close("OccuList")
	})
}

func (s *Server) updateLMSOccurrenceStatus(r *request) result {
	return s.setUploaded(r, func(d *Dataset, id int64) *bool {
		if o := d.occurrences[id]; o != nil {
			return &o.Uploaded
		}
		return nil
	})
}

// setUploaded answers the UpdateLMS…Status operations: flag finds the LMS
// flag of record iID (nil when there is no such record).
func (s *Server) setUploaded(r *request, flag func(d *Dataset, id int64) *bool) result {
	c, fail := s.begin(r, true)
	if fail != nil {
		return *fail
	}
	id, up := r.int("iID"), r.int("iUploaded")
	d := s.data
	d.mu.Lock()
	defer d.mu.Unlock()
	f := flag(d, int64(id))
	if f == nil {
		return c.noRecords()
	}
	*f = up != 0
	return c.ok(nil)
}

func (s *Server) getOccurrenceExtendedDetails(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	id := r.int("occurrenceId")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	o := d.occurrences[int64(id)]
	if o == nil {
		return c.noRecords()
	}
	return c.ok(func(w *xw) {
		w.open("OccuExtended")
		d.writeOccuExtended(w, o, true, true)
		w.close("OccuExtended")
	})
}

func (d *Dataset) writeOccuExtended(w *xw, o *occurrence, units, staff bool) {
	w.open("OccurrenceDetail")
	writeOccu(w, &o.Occurrence)
	w.close("OccurrenceDetail")
	if staff {
		d.writeStaffOfOccurrence(w, o)
	}
	if units {
		if len(o.unitCodes) == 0 {
			w.empty("Units")
		} else {
			w.open("Units")
			for _, code := range o.unitCodes {
				writeUnit(w, d.units[code])
			}
			w.close("Units")
		}
	}
}

// writeStaffOfOccurrence groups the occurrence's links per staff member.
func (d *Dataset) writeStaffOfOccurrence(w *xw, o *occurrence) {
	if len(o.staff) == 0 {
		w.empty("Staff")
		return
	}
	w.open("Staff")
	var order []string
	byStaff := map[string][]vettrak.StaffLink{}
	for _, l := range o.staff {
		if _, ok := byStaff[l.StaffCode]; !ok {
			order = append(order, l.StaffCode)
		}
		byStaff[l.StaffCode] = append(byStaff[l.StaffCode], l)
	}
	for _, code := range order {
		w.open("TClieStaffLinks")
		writeClie(w, d.clients[code], code)
		w.open("StaffLinks")
		for _, l := range byStaff[code] {
			writeStaffLink(w, l)
		}
		w.close("StaffLinks")
		w.close("TClieStaffLinks")
	}
	w.close("Staff")
}

func (s *Server) searchWebOccurrences(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
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
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
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
	return c.list(len(list), func(w *xw) {
		w.open("OccuExtendedList")
		for _, o := range list {
			w.open("TOccuExtended")
			d.writeOccuExtended(w, o, units, staff)
			w.close("TOccuExtended")
		}
		w.close("OccuExtendedList")
	})
}

// ---- enrolments ----

func (s *Server) getLMSNewEnrolments(r *request) result {
	return s.enrolmentsOf(r, "iID", true)
}

func (s *Server) getEnrolmentsForOccurrence(r *request) result {
	return s.enrolmentsOf(r, "iOccu_ID", false)
}

func (s *Server) enrolmentsOf(r *request, idParam string, onlyNew bool) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	id := r.int(idParam)
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	o := d.occurrences[int64(id)]
	if o == nil {
		return c.noRecords()
	}
	var list []*enrolment
	for _, eid := range o.enrolments {
		if e := d.enrolments[eid]; e != nil && (!onlyNew || !e.Uploaded) {
			list = append(list, e)
		}
	}
	return c.list(len(list), func(w *xw) {
		w.open("ClieEnroList")
		for _, e := range list {
			w.open("TClieEnro")
			writeClieEnro(w, e)
			w.close("TClieEnro")
		}
		w.close("ClieEnroList")
	})
}

func (s *Server) updateLMSEnrolmentStatus(r *request) result {
	return s.setUploaded(r, func(d *Dataset, id int64) *bool {
		if e := d.enrolments[id]; e != nil {
			return &e.Uploaded
		}
		return nil
	})
}

func (s *Server) updateEnrolment(r *request) result {
	c, fail := s.begin(r, true)
	if fail != nil {
		return *fail
	}
	id := r.int("enrolmentId")
	status := r.str("enrolmentStatus")
	doe, hasDoe := r.optTime("dateOfEffect")
	start, hasStart := r.optTime("startDate")
	finish, hasFinish := r.optTime("finishDate")
	d := s.data
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.enrolments[int64(id)]
	if e == nil {
		return c.noRecords()
	}
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
			doe = xmltime.Date(d.now(), s.loc)
		}
		e.DateOfEffect = &doe
	} else if hasDoe {
		e.DateOfEffect = &doe
	}
	e.StartDate, e.EndDate = newStart, newFinish
	if r.has("enrolmentType") {
		e.enrolmentType = r.str("enrolmentType")
	}
	return c.ok(nil)
}

// ---- units and results ----

func (s *Server) getUnitsForOccurrence(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	id := r.int("iOccu_ID")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	o := d.occurrences[int64(id)]
	if o == nil {
		return c.noRecords()
	}
	return c.list(len(o.unitCodes), func(w *xw) {
		w.open("UnitList")
		for _, code := range o.unitCodes {
			writeUnit(w, d.units[code])
		}
		w.close("UnitList")
	})
}

func (s *Server) getUnitsForEnrolment(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	id := r.int("iEnro_ID")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	e := d.enrolments[int64(id)]
	if e == nil {
		return c.noRecords()
	}
	return c.list(len(e.units), func(w *xw) {
		w.open("EnunList")
		for _, u := range e.units {
			w.open("TEnun")
			w.int("ID", e.ID)
			w.str("Unit_Code", u.code)
			w.str("Unit_Name", u.name)
			w.int("Unit_Type", int64(u.typ))
			w.str("Result_Name", u.result)
			w.str("AvetmissOutcome", u.outcome)
			w.optDateTime("StartDate", u.start)
			w.optDateTime("FinishDate", u.finish)
			w.int("Percentage", int64(u.pct))
			w.str("Comment", u.comment)
			w.close("TEnun")
		}
		w.close("EnunList")
	})
}

func (s *Server) getResultTypes(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	return c.list(len(d.resultTypes), func(w *xw) {
		w.open("ResultTypeList")
		for _, rt := range d.resultTypes {
			w.open("TResultType")
			w.str("Name", rt.Name)
			w.str("AvetmissOutcome", rt.Outcome)
			w.bool("Active", rt.Active)
			w.close("TResultType")
		}
		w.close("ResultTypeList")
	})
}

func (s *Server) updateResult(r *request) result {
	c, fail := s.begin(r, true)
	if fail != nil {
		return *fail
	}
	return s.setResult(c, r.int("iEnro_ID"), r.str("sUnit_Code"), r.str("sResult_Name"),
		r.time("xsdStart"), r.time("xsdFinish"), r.int("iPercentage"), "", false)
}

func (s *Server) updateResultIncludingLinked(r *request) result {
	c, fail := s.begin(r, true)
	if fail != nil {
		return *fail
	}
	return s.setResult(c, r.int("enrolmentId"), r.str("unitCode"), r.str("resultName"),
		r.time("startDate"), r.time("finishDate"), r.int("percentage"), r.str("comment"), true)
}

// setResult is UpdateResult's documented checks and effect. The fake has
// no linked enrolments, so "including linked" updates the one unit.
func (s *Server) setResult(c *call, enrolmentID int, unitCode, resultName string, start, finish time.Time, pct int, comment string, withComment bool) result {
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
	d := s.data
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.enrolments[int64(enrolmentID)] == nil {
		return c.noRecords()
	}
	u := d.unitOf(int64(enrolmentID), unitCode)
	if u == nil {
		return c.fail(vettrak.StatusFailed, "Unit '"+unitCode+"' is not on enrolment "+strconv.Itoa(enrolmentID)+".")
	}
	rt, ok := d.resultType(resultName)
	if !ok {
		return c.fail(vettrak.StatusFailed, "'"+resultName+"' is not a valid Result Name.")
	}
	d.setResultLocked(u, rt, start, finish, pct)
	if withComment && comment != "" {
		u.comment = comment
	}
	return c.ok(nil)
}

func (s *Server) updateResultComment(r *request) result {
	c, fail := s.begin(r, true)
	if fail != nil {
		return *fail
	}
	id, code, comment := r.int("enrolmentId"), r.str("unitCode"), r.str("comment")
	if len(code) > 12 {
		return c.fail(vettrak.StatusFailed, "Unit code is longer than 12 characters.")
	}
	d := s.data
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.enrolments[int64(id)] == nil {
		return c.noRecords()
	}
	u := d.unitOf(int64(id), code)
	if u == nil {
		return c.fail(vettrak.StatusFailed, "Unit '"+code+"' is not on enrolment "+strconv.Itoa(id)+".")
	}
	u.comment = comment
	return c.ok(nil)
}

// ---- clients and staff ----

func (s *Server) getClientDetails(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	code := r.str("sClie_Code")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	cl := d.clients[code]
	if cl == nil {
		return c.noRecords()
	}
	return c.ok(func(w *xw) {
		w.open("ClieDetail")
		w.str("Clie_Surname", cl.Surname)
		w.str("Clie_Given", cl.GivenName)
		w.str("Clie_Code", cl.Code)
		w.str("Clie_Other", cl.OtherName)
		w.str("Clie_Username", cl.Username)
		w.optDateTime("Clie_DOB", cl.DOB)
		w.int("Clie_Address_Type", 0)
		w.str("Clie_Email", cl.Email)
		w.str("Clie_MobilePhone", cl.Mobile)
		w.str("Gender", cl.Gender)
		w.str("USI", cl.USI)
		w.bool("USIExempt", false)
		w.close("ClieDetail")
	})
}

func (s *Server) getAccessibleClients(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	staff := r.str("clientCode")
	since, hasSince := r.optTime("sinceDate")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	visible := func(code string) bool { return true }
	if staff != "" && staff != c.user.Identifier {
		seen := map[string]bool{}
		for _, id := range d.occOrder {
			o := d.occurrences[id]
			if !slices.ContainsFunc(o.staff, func(l vettrak.StaffLink) bool { return l.StaffCode == staff }) {
				continue
			}
			for _, eid := range o.enrolments {
				seen[d.enrolments[eid].ClientCode] = true
			}
		}
		visible = func(code string) bool { return seen[code] }
	}
	var list []*client
	for _, code := range d.clientOrder {
		cl := d.clients[code]
		if cl == nil || !visible(code) || (hasSince && cl.modified.Before(since)) {
			continue
		}
		list = append(list, cl)
	}
	return c.list(len(list), func(w *xw) {
		w.open("ClieList")
		for _, cl := range list {
			w.open("TClie")
			writeClieFields(w, cl, cl.Code)
			w.close("TClie")
		}
		w.close("ClieList")
	})
}

type staffFilter struct {
	staffType   string
	statusTypes []int
	start, end  time.Time
}

func (s *Server) staffFilter(r *request) staffFilter {
	f := staffFilter{staffType: r.str("staffType"), start: r.time("startDate"), end: r.time("endDate")}
	for _, it := range r.list("statusTypes") {
		n, err := strconv.Atoi(strings.TrimSpace(it))
		if err != nil {
			r.fail("statusTypes", err)
			continue
		}
		f.statusTypes = append(f.statusTypes, n)
	}
	return f
}

func (f staffFilter) match(l vettrak.StaffLink, o *occurrence, e *enrolment) bool {
	if f.staffType != "" && !strings.EqualFold(f.staffType, l.StaffType) {
		return false
	}
	if len(f.statusTypes) > 0 && !slices.Contains(f.statusTypes, e.StatusType) {
		return false
	}
	if !f.start.IsZero() && o.EndDate.Before(f.start) || !f.end.IsZero() && o.StartDate.After(f.end) {
		return false
	}
	return true
}

type staffGroup struct {
	who   string
	links []vettrak.StaffLink
}

func (s *Server) getStaffForClient(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	learner, f := r.str("clientCode"), s.staffFilter(r)
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	var groups []*staffGroup
	idx := map[string]*staffGroup{}
	if cl := d.clients[learner]; cl != nil {
		for _, eid := range cl.enrolments {
			e := d.enrolments[eid]
			o := d.occurrences[e.OccurrenceID]
			for _, l := range o.staff {
				if !f.match(l, o, e) {
					continue
				}
				g := idx[l.StaffCode]
				if g == nil {
					g = &staffGroup{who: l.StaffCode}
					idx[l.StaffCode] = g
					groups = append(groups, g)
				}
				l.EnrolmentID, l.ClientCode = e.ID, learner
				g.links = append(g.links, l)
			}
		}
	}
	return c.list(len(groups), func(w *xw) { d.writeStaffGroups(w, groups) })
}

func (s *Server) getClientsForStaff(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	staff, f := r.str("staffClientCode"), s.staffFilter(r)
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	var groups []*staffGroup
	idx := map[string]*staffGroup{}
	for _, id := range d.occOrder {
		o := d.occurrences[id]
		for _, l := range o.staff {
			if l.StaffCode != staff {
				continue
			}
			for _, eid := range o.enrolments {
				e := d.enrolments[eid]
				if !f.match(l, o, e) {
					continue
				}
				g := idx[e.ClientCode]
				if g == nil {
					g = &staffGroup{who: e.ClientCode}
					idx[e.ClientCode] = g
					groups = append(groups, g)
				}
				l.EnrolmentID, l.ClientCode = e.ID, e.ClientCode
				g.links = append(g.links, l)
			}
		}
	}
	return c.list(len(groups), func(w *xw) { d.writeStaffGroups(w, groups) })
}

func (d *Dataset) writeStaffGroups(w *xw, groups []*staffGroup) {
	w.open("ClieStaffLinksList")
	for _, g := range groups {
		w.open("TClieStaffLinks")
		writeClie(w, d.clients[g.who], g.who)
		w.open("StaffLinks")
		for _, l := range g.links {
			writeStaffLink(w, l)
		}
		w.close("StaffLinks")
		w.close("TClieStaffLinks")
	}
	w.close("ClieStaffLinksList")
}

// ---- deletions ----

func (s *Server) getDeletedRecordsSince(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	table := strings.ToUpper(strings.TrimSpace(r.str("tableName")))
	since := r.time("sinceDate")
	if !slices.Contains(vettrak.DeletedTables(), table) {
		return c.fail(vettrak.StatusFailed, "Invalid table name '"+r.str("tableName")+"'.")
	}
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	var ids []string
	for _, t := range d.tombstones {
		if strings.EqualFold(t.Table, table) && !t.DeletedAt.Before(since) {
			ids = append(ids, t.ID)
		}
	}
	return c.list(len(ids), func(w *xw) {
		w.open("TextList")
		for _, id := range ids {
			w.text("string", id)
		}
		w.close("TextList")
	})
}

// ---- record writers (element order as the WSDL's sequences) ----

func writeEnroFields(w *xw, id int64, code string, start, end time.Time, status string, statusType int,
	doe *time.Time, qualCode, qualName, desc, loca string, amount vettrak.Decimal, enrolmentType string) {
	w.int("ID", id)
	w.str("Code", code)
	w.dateTime("StartDate", start)
	w.dateTime("EndDate", end)
	w.str("Status", status)
	w.int("StatusType", int64(statusType))
	if doe != nil {
		w.dateTime("DateOfEffect", *doe)
	} else {
		w.dateTime("DateOfEffect", time.Time{})
	}
	w.str("Qual_Code", qualCode)
	w.str("Qual_Name", qualName)
	w.int("OrganisationId", 1)
	w.str("Description", desc)
	w.str("Loca_Code", loca)
	w.open("DeliveryModes")
	w.text("string", "Internal delivery")
	w.close("DeliveryModes")
	a := string(cmp.Or(amount, "0.00"))
	w.text("Amount", a)
	w.text("GST", "0.00")
	w.text("AmountPaid", "0.00")
	w.text("AmountCredited", "0.00")
	w.int("DivisionId", 0)
	w.str("EnrolmentType", enrolmentType)
}

func writeOccu(w *xw, o *vettrak.Occurrence) {
	writeEnroFields(w, o.ID, o.Code, o.StartDate, o.EndDate, o.Status, o.StatusType, nil,
		o.QualCode, o.QualName, o.Description, o.LocationCode, "", "")
	w.text("Colour", "#0000FF")
	w.str("Prog_Code", o.ProgrammeCode)
	w.int("Prog_ID", o.ProgrammeID)
	w.str("Prog_Name", o.ProgrammeName)
	w.int("Reportable", int64(o.Reportable))
	w.int("Uploaded", int64(b2i(o.Uploaded)))
	if o.Vacancies != nil {
		w.int("Vacancies", int64(*o.Vacancies))
	}
	w.int("WebPublished", 0)
}

func writeClieEnro(w *xw, e *enrolment) {
	writeEnroFields(w, e.ID, e.Code, e.StartDate, e.EndDate, e.Status, e.StatusType, e.DateOfEffect,
		e.QualCode, e.QualName, e.Description, e.LocationCode, e.Amount, e.enrolmentType)
	w.str("Clie_Code", e.ClientCode)
	w.str("GivenName", e.GivenName)
	w.str("Surname", e.Surname)
}

func writeUnit(w *xw, u *vettrak.Unit) {
	w.open("TUnit")
	w.str("Unit_Code", u.Code)
	w.str("Unit_Name", u.Name)
	w.int("Unit_Type", int64(u.Type))
	w.close("TUnit")
}

func writeClie(w *xw, cl *client, code string) {
	w.open("Clie")
	writeClieFields(w, cl, code)
	w.close("Clie")
}

func writeClieFields(w *xw, cl *client, code string) {
	if cl == nil {
		w.str("Clie_Code", code)
		return
	}
	w.str("Clie_Surname", cl.Surname)
	w.str("Clie_Given", cl.GivenName)
	w.str("Clie_Code", cl.Code)
	w.str("Clie_Email", cl.Email)
}

func writeStaffLink(w *xw, l vettrak.StaffLink) {
	w.open("TStaffLink")
	w.str("StaffType", l.StaffType)
	w.int("Occu_ID", l.OccurrenceID)
	w.int("Enro_ID", l.EnrolmentID)
	w.str("Clie_Code", l.ClientCode)
	w.str("Unit_Code", l.UnitCode)
	w.close("TStaffLink")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
