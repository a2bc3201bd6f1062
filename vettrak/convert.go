package vettrak

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hooklift/gowsdl/soap"

	"github.com/vtsync/vtsync/internal/xmltime"
	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

func parseInt(s string, bits int) (int64, error) {
	return strconv.ParseInt(strings.TrimSpace(s), 10, bits)
}

func checkDecimal(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%q is not an xs:decimal", s)
	}
	return nil
}

func checkBool(s string) error {
	_, err := strconv.ParseBool(strings.TrimSpace(s))
	return err
}

// checkDateTime accepts exactly what gowsdl's XSDDateTime parses: an empty
// element, or date "T" time with an optional fraction and zone. A date
// alone, or padding, would be silently turned into the zero time by
// gowsdl, so it is an error here.
func checkDateTime(s string) error {
	if s == "" {
		return nil
	}
	_, err := xmltime.Parse(s, time.UTC)
	return err
}

// timeOf converts a generated dateTime to a time in the API's zone; the
// zero time (absent, empty, or .NET's MinValue) reports false.
//
// gowsdl's ToGoTime reads zoneless values in time.Local (G8), which a DST
// gap in the local zone can shift; re-marshalling gives back the exact
// text, which we parse in the provider's zone.
func (a *API) timeOf(x soap.XSDDateTime) (time.Time, bool) {
	b, err := xml.Marshal(struct {
		XMLName xml.Name         `xml:"x"`
		V       soap.XSDDateTime `xml:"v"`
	}{V: x})
	if err != nil {
		return time.Time{}, false
	}
	// The text is digits and "-:.TZ+" only, so it needs no unescaping.
	text, ok := strings.CutPrefix(string(b), "<x><v>")
	if !ok {
		return time.Time{}, false // zero: MarshalXML wrote nothing
	}
	text, _ = strings.CutSuffix(text, "</v></x>")
	t, err := xmltime.Parse(text, a.cfg.loc)
	if err != nil || t.IsZero() {
		return time.Time{}, false
	}
	return t, true
}

func (a *API) timeOrZero(x soap.XSDDateTime) time.Time {
	t, _ := a.timeOf(x)
	return t
}

func (a *API) timePtr(x *soap.XSDDateTime) *time.Time {
	if x == nil {
		return nil
	}
	t, ok := a.timeOf(*x)
	if !ok {
		return nil
	}
	return &t
}

// xsd writes t as a zoneless dateTime in the provider's zone, the form
// VETtrak itself sends (an offset would make .NET convert to the server's
// local time, whatever that is).
func (a *API) xsd(t time.Time) soap.XSDDateTime {
	if t.IsZero() {
		return soap.XSDDateTime{}
	}
	return soap.CreateXsdDateTime(t.In(a.cfg.loc), false)
}

func (a *API) xsdPtr(t *time.Time) *soap.XSDDateTime {
	if t == nil || t.IsZero() {
		return nil
	}
	x := a.xsd(*t)
	return &x
}

// decimalOf renders a money amount gowsdl decoded as float64 (G8). It is
// exact for the 15 significant digits float64 round-trips, which covers
// VETtrak's money values; at least two decimals are kept, as VETtrak
// writes them ("0.00").
func decimalOf(f float64) Decimal {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	dot := strings.IndexByte(s, '.')
	switch {
	case dot < 0:
		s += ".00"
	case len(s)-dot-1 == 1:
		s += "0"
	}
	return Decimal(s)
}

func (a *API) occurrence(o *vtsoap.TOccu) Occurrence {
	out := Occurrence{
		ProgrammeID:   int64(o.Prog_ID),
		ProgrammeCode: o.Prog_Code,
		ProgrammeName: o.Prog_Name,
		Uploaded:      o.Uploaded != 0,
		Reportable:    int(o.Reportable),
	}
	if o.Vacancies != nil {
		v := int(*o.Vacancies)
		out.Vacancies = &v
	}
	if e := o.TEnro; e != nil {
		out.ID = int64(e.ID)
		out.Code = e.Code
		out.Description = e.Description
		out.StartDate = a.timeOrZero(e.StartDate)
		out.EndDate = a.timeOrZero(e.EndDate)
		out.Status = e.Status
		out.StatusType = int(e.StatusType)
		out.QualCode = e.Qual_Code
		out.QualName = e.Qual_Name
		out.LocationCode = e.Loca_Code
	}
	return out
}

func (a *API) enrolment(e *vtsoap.TClieEnro, occurrenceID int64) Enrolment {
	out := Enrolment{
		OccurrenceID: occurrenceID,
		ClientCode:   e.Clie_Code,
		GivenName:    e.GivenName,
		Surname:      e.Surname,
	}
	if b := e.TEnro; b != nil {
		out.ID = int64(b.ID)
		out.Code = b.Code
		out.StartDate = a.timeOrZero(b.StartDate)
		out.EndDate = a.timeOrZero(b.EndDate)
		out.Status = b.Status
		out.StatusType = int(b.StatusType)
		if t, ok := a.timeOf(b.DateOfEffect); ok {
			out.DateOfEffect = &t
		}
		out.QualCode = b.Qual_Code
		out.QualName = b.Qual_Name
		out.Description = b.Description
		out.LocationCode = b.Loca_Code
		out.Amount = decimalOf(b.Amount)
	}
	return out
}

func unitOf(u *vtsoap.TUnit) Unit {
	return Unit{Code: strings.TrimSpace(u.Unit_Code), Name: u.Unit_Name, Type: UnitType(u.Unit_Type)}
}

func (a *API) enrolledUnit(u *vtsoap.TEnun) EnrolledUnit {
	out := EnrolledUnit{
		EnrolmentID: int64(u.ID),
		UnitCode:    strings.TrimSpace(u.Unit_Code),
		UnitName:    u.Unit_Name,
		ResultName:  u.Result_Name,
		Outcome:     u.AvetmissOutcome,
		StartDate:   a.timePtr(u.StartDate),
		FinishDate:  a.timePtr(u.FinishDate),
		Comment:     u.Comment,
	}
	// VETtrak's "not scored" is -1.
	if u.Percentage >= 0 && u.Percentage <= 100 {
		p := int(u.Percentage)
		out.Percentage = &p
	}
	return out
}

func clientOf(c *vtsoap.TClie) Client {
	return Client{Code: strings.TrimSpace(c.Clie_Code), GivenName: c.Clie_Given, Surname: c.Clie_Surname, Email: c.Clie_Email}
}

func (a *API) clientDetail(c *vtsoap.TClieDetail) Client {
	return Client{
		Code:      strings.TrimSpace(c.Clie_Code),
		GivenName: c.Clie_Given,
		Surname:   c.Clie_Surname,
		OtherName: c.Clie_Other,
		Email:     c.Clie_Email,
		Username:  c.Clie_Username,
		DOB:       a.timePtr(c.Clie_DOB),
		USI:       c.USI,
		Mobile:    c.Clie_MobilePhone,
		Gender:    c.Gender,
	}
}

// staffLinks flattens TClieStaffLinks. forClient: the list answers
// GetStaffForClient (Clie is the staff member, arg the learner); otherwise
// GetClientsForStaff (Clie is the learner, arg the staff member).
func staffLinks(list []*vtsoap.TClieStaffLinks, arg string, forClient bool) []StaffLink {
	var out []StaffLink
	for _, cs := range list {
		if cs == nil {
			continue
		}
		var who Client
		if cs.Clie != nil {
			who = clientOf(cs.Clie)
		}
		var links []*vtsoap.TStaffLink
		if cs.StaffLinks != nil {
			links = cs.StaffLinks.TStaffLink
		}
		if len(links) == 0 {
			links = []*vtsoap.TStaffLink{{}} // the person is linked, with no detail
		}
		for _, l := range links {
			if l == nil {
				continue
			}
			sl := StaffLink{
				StaffType:    l.StaffType,
				OccurrenceID: int64(l.Occu_ID),
				EnrolmentID:  int64(l.Enro_ID),
				UnitCode:     strings.TrimSpace(l.Unit_Code),
			}
			if forClient {
				sl.StaffCode, sl.GivenName, sl.Surname, sl.Email = who.Code, who.GivenName, who.Surname, who.Email
				sl.ClientCode = arg
				if c := strings.TrimSpace(l.Clie_Code); c != "" {
					sl.ClientCode = c
				}
			} else {
				sl.StaffCode = arg
				sl.ClientCode = who.Code
				sl.ClientGivenName, sl.ClientSurname = who.GivenName, who.Surname
			}
			out = append(out, sl)
		}
	}
	return out
}
