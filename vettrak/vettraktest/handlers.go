package vettraktest

import (
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

// handlers answers every operation of vettrak.OperationTable; the fake's
// tests check that none is missing.
func handlers() map[string]handler {
	return map[string]handler{
		"ValidateClient":                   (*Server).validate,
		"ValidateUser":                     (*Server).validate,
		"GetLMSNewOccurrences":             (*Server).getLMSNewOccurrences,
		"GetLMSNewEnrolmentsForOccurrence": (*Server).getLMSNewEnrolments,
		"UpdateLMSOccurrenceStatus":        (*Server).updateLMSOccurrenceStatus,
		"UpdateLMSEnrolmentStatus":         (*Server).updateLMSEnrolmentStatus,
		"GetOccurrenceExtendedDetails":     (*Server).getOccurrenceExtendedDetails,
		"SearchWebOccurrences":             (*Server).searchWebOccurrences,
		"GetEnrolmentsForOccurrence":       (*Server).getEnrolmentsForOccurrence,
		"GetUnitsForOccurrence":            (*Server).getUnitsForOccurrence,
		"GetUnitsForEnrolment":             (*Server).getUnitsForEnrolment,
		"GetClientDetails":                 (*Server).getClientDetails,
		"GetAccessibleClients":             (*Server).getAccessibleClients,
		"GetStaffForClient":                (*Server).getStaffForClient,
		"GetClientsForStaff":               (*Server).getClientsForStaff,
		"GetResultTypes":                   (*Server).getResultTypes,
		"UpdateResult":                     (*Server).updateResult,
		"UpdateResultIncludingLinked":      (*Server).updateResultIncludingLinked,
		"UpdateResultComment":              (*Server).updateResultComment,
		"UpdateEnrolment":                  (*Server).updateEnrolment,
		"GetDeletedRecordsSince":           (*Server).getDeletedRecordsSince,
	}
}

// tokenParam is the parameter op carries its token in, from the SDK's
// operation table.
func (s *Server) tokenParam(op string) string {
	if info, ok := s.ops[op]; ok {
		return info.TokenParam
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
	c := &call{s: s, r: r, bare: bare, token: r.str(s.tokenParam(r.op))}
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
		w.record("TAuthenticate", rec{"ID": -1, "Status": status, "StatusMessage": msg, "Identifier": "-1"})
		return
	}
	w.record("TAuthenticate", rec{"ID": u.ID, "Token": token, "Status": status, "StatusMessage": msg,
		"Identifier": u.Identifier, "TokenType": u.TokenType})
}

// ---- authentication ----

func (s *Server) validate(r *request) result {
	user, pass := r.str("sUsername"), r.str("sPassword")
	s.data.mu.RLock()
	u := s.data.users[user]
	s.data.mu.RUnlock()
	w := &xw{loc: s.loc}
	if u == nil || u.Password != pass || len(user) > 50 || len(pass) > 50 {
		writeAuth(w, nil, "", vettrak.StatusFailed, "Invalid Username/Password Combination.")
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
			writeOccu(w, o)
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
	// iStatus: 1 = in the LMS, 0 = not (DOC221).
	id, up := r.int("iID"), r.int("iStatus")
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

// writeOccuExtended writes a TOccuExtended. The inner types of Staff and
// Units are UNCONFIRMED (the WSDL's guesses TClieStaffLinks and TUnit);
// Staff holds the occurrence's own links (LinkType 0), grouped per staff
// member.
func (d *Dataset) writeOccuExtended(w *xw, o *occurrence, units, staff bool) {
	v := rec{"OccurrenceDetail": func(w *xw) { writeOccu(w, o) }}
	if staff {
		v["Staff"] = func(w *xw) {
			d.writeStaffGroups(w, groupLinks(o.staff, func(l vettrak.StaffLink) string { return l.StaffCode }))
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

// groupLinks groups links by key, in first-seen order.
func groupLinks(links []vettrak.StaffLink, key func(vettrak.StaffLink) string) []*staffGroup {
	var groups []*staffGroup
	idx := map[string]*staffGroup{}
	for _, l := range links {
		k := key(l)
		g := idx[k]
		if g == nil {
			g = &staffGroup{who: k}
			idx[k] = g
			groups = append(groups, g)
		}
		g.links = append(g.links, l)
	}
	return groups
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
		e.EnrolmentType = r.str("enrolmentType")
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
			w.record("TEnun", rec{"ID": e.ID, "Unit_Code": u.code, "Unit_Name": u.name, "Unit_Type": int(u.typ),
				"Result_Name": u.result, "AvetmissOutcome": u.outcome, "StartDate": u.start, "FinishDate": u.finish,
				"Percentage": u.pct, "Comment": u.comment})
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
			w.record("TResultType", rec{"Name": rt.Name, "AvetmissOutcome": rt.Outcome, "Active": rt.Active})
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
		w.record("TClieDetail", rec{"Clie_Surname": cl.Surname, "Clie_Given": cl.GivenName, "Clie_Code": cl.Code,
			"Clie_Other": cl.OtherName, "Clie_Username": cl.Username, "Clie_DOB": cl.DOB, "Clie_Address_Type": 0,
			"Clie_Email": cl.Email, "Clie_MobilePhone": cl.Mobile, "Gender": cl.Gender, "USI": cl.USI, "USIExempt": false})
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

// getStaffForClient lists, per staff member, the links that tie them to
// the learner: the links of the occurrences the learner is enrolled in
// (LinkType 0) and, with includeEnrolments, the links to the learner's
// enrolments (LinkType 2). Classes, contracts and events are not
// modelled. How VETtrak combines the include flags is UNCONFIRMED.
func (s *Server) getStaffForClient(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	learner, f := r.str("clientCode"), s.staffFilter(r)
	withEnrolments := r.bool("includeEnrolments")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	var links []vettrak.StaffLink
	if cl := d.clients[learner]; cl != nil {
		for _, eid := range cl.enrolments {
			e := d.enrolments[eid]
			o := d.occurrences[e.OccurrenceID]
			for _, l := range o.staff {
				if f.match(l, o, e) {
					links = append(links, l)
				}
			}
			if withEnrolments {
				for _, l := range e.staff {
					if f.match(l, o, e) {
						links = append(links, l)
					}
				}
			}
		}
	}
	groups := groupLinks(links, func(l vettrak.StaffLink) string { return l.StaffCode })
	return c.list(len(groups), func(w *xw) {
		w.open("ClieStaffLinksList")
		d.writeStaffGroups(w, groups)
		w.close("ClieStaffLinksList")
	})
}

// getClientsForStaff lists, per learner, the links that tie the staff
// member to them (as getStaffForClient, from the staff member's side).
func (s *Server) getClientsForStaff(r *request) result {
	c, fail := s.begin(r, false)
	if fail != nil {
		return *fail
	}
	staff, f := r.str("staffClientCode"), s.staffFilter(r)
	withEnrolments := r.bool("includeEnrolments")
	d := s.data
	d.mu.RLock()
	defer d.mu.RUnlock()
	type link struct {
		learner string
		l       vettrak.StaffLink
	}
	var found []link
	for _, id := range d.occOrder {
		o := d.occurrences[id]
		for _, eid := range o.enrolments {
			e := d.enrolments[eid]
			for _, l := range o.staff {
				if l.StaffCode == staff && f.match(l, o, e) {
					found = append(found, link{e.ClientCode, l})
				}
			}
			if withEnrolments {
				for _, l := range e.staff {
					if l.StaffCode == staff && f.match(l, o, e) {
						found = append(found, link{e.ClientCode, l})
					}
				}
			}
		}
	}
	var groups []*staffGroup
	idx := map[string]*staffGroup{}
	for _, x := range found {
		g := idx[x.learner]
		if g == nil {
			g = &staffGroup{who: x.learner}
			idx[x.learner] = g
			groups = append(groups, g)
		}
		g.links = append(g.links, x.l)
	}
	return c.list(len(groups), func(w *xw) {
		w.open("ClieStaffLinksList")
		d.writeStaffGroups(w, groups)
		w.close("ClieStaffLinksList")
	})
}

// writeStaffGroups writes one TClieStaffLinks per group: the person (a
// TClie) and their TStaffLinks.
func (d *Dataset) writeStaffGroups(w *xw, groups []*staffGroup) {
	for _, g := range groups {
		w.open("TClieStaffLinks")
		w.record("TClieStaffLinks", rec{
			"Clie": func(w *xw) { writeClieFields(w, d.clients[g.who], g.who) },
			"StaffLinks": func(w *xw) {
				for _, l := range g.links {
					writeStaffLink(w, l)
				}
			},
		})
		w.close("TClieStaffLinks")
	}
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

// ---- record writers (element order and nulls from the WSDL) ----

// enroRec is a TEnro's values. DateOfEffect and the money fields are
// value types in TEnro: an unset one is written as .NET's default.
func enroRec(id int64, code string, start, end time.Time, status string, statusType int, doe *time.Time,
	qualCode, qualName, desc, loca string) rec {
	v := rec{"ID": id, "Code": code, "StartDate": start, "EndDate": end, "Status": status, "StatusType": statusType,
		"Qual_Code": qualCode, "Qual_Name": qualName, "Description": desc, "Loca_Code": loca}
	if doe != nil {
		v["DateOfEffect"] = *doe
	}
	return v
}

func writeOccu(w *xw, o *occurrence) {
	v := enroRec(o.ID, o.Code, o.StartDate, o.EndDate, o.Status, o.StatusType, nil, o.QualCode, o.QualName, o.Description, o.LocationCode)
	v["OrganisationId"] = 1
	v["DeliveryModes"] = []string{"Internal delivery"}
	for _, k := range []string{"Amount", "GST", "AmountPaid", "AmountCredited"} {
		v[k] = vettrak.Decimal("0.00")
	}
	v["Colour"] = "#0000FF"
	v["Prog_Code"], v["Prog_ID"], v["Prog_Name"] = o.ProgrammeCode, o.ProgrammeID, o.ProgrammeName
	v["Reportable"], v["Uploaded"], v["Vacancies"], v["WebPublished"] = o.Reportable, b2i(o.Uploaded), o.Vacancies, 0
	w.record("TOccu", v)
}

func writeClieEnro(w *xw, e *enrolment) {
	v := enroRec(e.ID, e.Code, e.StartDate, e.EndDate, e.Status, e.StatusType, e.DateOfEffect, e.QualCode, e.QualName, e.Description, e.LocationCode)
	v["OrganisationId"], v["DeliveryType"], v["DeliveryModes"] = e.OrganisationID, e.DeliveryType, e.DeliveryModes
	v["EmployerIdentifier"], v["EmployerName"], v["EmployerContactCode"] = e.EmployerIdentifier, e.EmployerName, e.EmployerContactCode
	v["Amount"], v["GST"], v["AmountPaid"], v["AmountCredited"] = e.Amount, e.GST, e.AmountPaid, e.AmountCredited
	v["DivisionId"], v["EnrolmentType"], v["EnrolmentTypeCode"] = e.DivisionID, e.EnrolmentType, e.EnrolmentTypeCode
	v["Clie_Code"], v["GivenName"], v["Surname"] = e.ClientCode, e.GivenName, e.Surname
	w.record("TClieEnro", v)
}

func writeUnit(w *xw, u *vettrak.Unit) {
	w.open("TUnit")
	w.record("TUnit", rec{"Unit_Code": u.Code, "Unit_Name": u.Name, "Unit_Type": int(u.Type)})
	w.close("TUnit")
}

// writeClieFields writes a TClie: code and names only (JMDR:AddClientAfterCheck).
func writeClieFields(w *xw, cl *client, code string) {
	if cl == nil {
		w.record("TClie", rec{"Clie_Code": code})
		return
	}
	w.record("TClie", rec{"Clie_Surname": cl.Surname, "Clie_Given": cl.GivenName, "Clie_Code": cl.Code})
}

// writeStaffLink writes a TStaffLink: the linked record's ID, LinkType,
// the primary flag and the staff type's name (DOC221; three of the four
// wire names UNCONFIRMED, see the WSDL).
func writeStaffLink(w *xw, l vettrak.StaffLink) {
	w.open("TStaffLink")
	w.record("TStaffLink", rec{"ID": l.LinkID, "LinkType": int(l.LinkType), "Primary": b2i(l.Primary), "StaffTypeName": l.StaffType})
	w.close("TStaffLink")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
