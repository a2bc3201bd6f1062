package vettraktest

import (
	"github.com/vtsync/vtsync/vettrak"
)

// result is an operation's answer: the inner XML of <OpResult> and the
// VETtrak status it carries.
type result struct {
	status int
	body   []byte
}

// kind is how an operation is authorised and answered.
type kind int

const (
	// login takes a username and password and answers a bare
	// TAuthenticate (ValidateClient, ValidateUser).
	login kind = iota
	// query checks the token and the licence, reads the dataset under its
	// read lock and answers the TAuthenticate as <Auth> beside the body.
	query
	// update checks the token and the licence, changes the dataset under
	// its write lock and answers a bare TAuthenticate (the WSDL declares
	// the Update… results as TAuthenticate).
	update
)

// operation is one row of the handler table: the preamble every operation
// shares (token, licence, lock, answer shape) is its kind, and run holds
// only what the operation itself does.
type operation struct {
	kind kind
	run  func(*call) result
}

// handlers answers every operation of vettrak.OperationTable; the fake's
// tests check that none is missing.
func handlers() map[string]operation {
	return map[string]operation{
		"ValidateClient":                   {login, validate},
		"ValidateUser":                     {login, validate},
		"GetLMSNewOccurrences":             {query, getLMSNewOccurrences},
		"GetLMSNewEnrolmentsForOccurrence": {query, enrolmentsOf("iID", true)},
		"UpdateLMSOccurrenceStatus":        {update, setUploaded(occurrenceFlag)},
		"UpdateLMSEnrolmentStatus":         {update, setUploaded(enrolmentFlag)},
		"GetOccurrenceExtendedDetails":     {query, byOccurrence("occurrenceId", getOccurrenceExtendedDetails)},
		"SearchWebOccurrences":             {query, searchWebOccurrences},
		"GetEnrolmentsForOccurrence":       {query, enrolmentsOf("iOccu_ID", false)},
		"GetUnitsForOccurrence":            {query, byOccurrence("iOccu_ID", getUnitsForOccurrence)},
		"GetUnitsForEnrolment":             {query, byEnrolment("iEnro_ID", getUnitsForEnrolment)},
		"GetClientDetails":                 {query, byClient("sClie_Code", getClientDetails)},
		"GetAccessibleClients":             {query, getAccessibleClients},
		"GetStaffForClient":                {query, getStaffForClient},
		"GetClientsForStaff":               {query, getClientsForStaff},
		"GetResultTypes":                   {query, getResultTypes},
		"UpdateResult":                     {update, updateResult},
		"UpdateResultIncludingLinked":      {update, updateResultIncludingLinked},
		"UpdateResultComment":              {update, updateResultComment},
		"UpdateEnrolment":                  {update, byEnrolment("enrolmentId", updateEnrolment)},
		"GetDeletedRecordsSince":           {query, getDeletedRecordsSince},
	}
}

// call is one operation in progress: the request, the dataset and, once
// authorised, the user.
type call struct {
	s     *Server
	d     *Dataset
	r     *request
	user  *User
	token string
	bare  bool // the result is a bare TAuthenticate
}

// dispatch runs op for r: a login as it is; a query or an update after the
// token and licence checks, holding the dataset's lock for the whole
// operation.
func (s *Server) dispatch(op operation, r *request) result {
	c := &call{s: s, d: s.data, r: r, bare: op.kind != query}
	if op.kind == login {
		return op.run(c)
	}
	if res, ok := c.authorise(); !ok {
		return res
	}
	if op.kind == update {
		c.d.mu.Lock()
		defer c.d.mu.Unlock()
	} else {
		c.d.mu.RLock()
		defer c.d.mu.RUnlock()
	}
	return op.run(c)
}

// tokenParam is the parameter op carries its token in, from the SDK's
// operation table.
func (s *Server) tokenParam(op string) string {
	if info, ok := s.ops[op]; ok {
		return info.TokenParam
	}
	return "token"
}

// authorise checks the token and the licence. On failure it returns the
// answer to send and false.
func (c *call) authorise() (result, bool) {
	c.token = c.r.str(c.s.tokenParam(c.r.op))
	u, st, msg := c.s.authorise(c.token)
	if st != vettrak.StatusOK {
		return c.answer(st, msg, nil), false
	}
	c.user = u
	if !c.s.licensed(c.r.op) {
		return c.answer(vettrak.StatusMissingRegistration, "The registration key does not contain an entry for the function "+c.r.op+".", nil), false
	}
	return result{}, true
}

// answer writes the TAuthenticate (bare, or as <Auth>) and, on success,
// the body.
func (c *call) answer(status int, msg string, body func(*xw)) result {
	w := &xw{loc: c.s.loc}
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

// lookup is the shared "find the record the request names" step: it
// reads the key from the request, finds the record in the dataset and
// answers "no records" when there is none, else runs fn with it.
func lookup[K comparable, V any](key func(*request) K, table func(*Dataset) map[K]*V, fn func(*call, *V) result) func(*call) result {
	return func(c *call) result {
		v := table(c.d)[key(c.r)]
		if v == nil {
			return c.noRecords()
		}
		return fn(c, v)
	}
}

// byOccurrence runs fn with the occurrence whose ID is in param.
func byOccurrence(param string, fn func(*call, *occurrence) result) func(*call) result {
	return lookup(intParam(param), func(d *Dataset) map[int64]*occurrence { return d.occurrences }, fn)
}

// byEnrolment runs fn with the enrolment whose ID is in param.
func byEnrolment(param string, fn func(*call, *enrolment) result) func(*call) result {
	return lookup(intParam(param), func(d *Dataset) map[int64]*enrolment { return d.enrolments }, fn)
}

// byClient runs fn with the client whose code is in param.
func byClient(param string, fn func(*call, *client) result) func(*call) result {
	return lookup(func(r *request) string { return r.str(param) }, func(d *Dataset) map[string]*client { return d.clients }, fn)
}

func intParam(name string) func(*request) int64 {
	return func(r *request) int64 { return int64(r.int(name)) }
}

func writeAuth(w *xw, u *User, token string, status int, msg string) {
	if u == nil {
		w.record("TAuthenticate", rec{"ID": -1, "Status": status, "StatusMessage": msg, "Identifier": "-1"})
		return
	}
	w.record("TAuthenticate", rec{"ID": u.ID, "Token": token, "Status": status, "StatusMessage": msg,
		"Identifier": u.Identifier, "TokenType": u.TokenType})
}

// listOf answers a list of records: the container element holding one
// elem element per item, whose content write writes.
func listOf[T any](c *call, container, elem string, items []T, write func(*xw, T)) result {
	return c.list(len(items), func(w *xw) {
		w.open(container)
		for _, it := range items {
			w.open(elem)
			write(w, it)
			w.close(elem)
		}
		w.close(container)
	})
}
