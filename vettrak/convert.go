package vettrak

import (
	"bytes"
	"encoding/xml"
	"fmt"
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

// checkDecimal accepts xs:decimal's lexical form: an optional sign,
// digits with an optional fraction. It never converts to float64.
func checkDecimal(s string) error {
	if _, ok := decimalText(s); !ok {
		return fmt.Errorf("%q is not an xs:decimal", s)
	}
	return nil
}

// decimalText returns s trimmed when it is an xs:decimal.
func decimalText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 {
		return "", false
	}
	whole, frac, _ := strings.Cut(digits, ".")
	if whole == "" && frac == "" {
		return "", false
	}
	for _, part := range []string{whole, frac} {
		if strings.Trim(part, "0123456789") != "" {
			return "", false
		}
	}
	return s, true
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

// timeOf converts a generated dateTime to a time in the client's zone; the
// zero time (absent, empty, or .NET's MinValue) reports false.
//
// gowsdl's ToGoTime reads zoneless values in time.Local (G8), which a DST
// gap in the local zone can shift; re-marshalling gives back the exact
// text, which we parse in the provider's zone.
func (a *Client) timeOf(x soap.XSDDateTime) (time.Time, bool) {
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

func (a *Client) timeOrZero(x soap.XSDDateTime) time.Time {
	t, _ := a.timeOf(x)
	return t
}

func (a *Client) timePtr(x *soap.XSDDateTime) *time.Time {
	if x == nil {
		return nil
	}
	t, ok := a.timeOf(*x)
	if !ok {
		return nil
	}
	return &t
}

// enroMoney is a TEnro's money as VETtrak wrote it.
type enroMoney struct{ amount, gst, paid, credited Decimal }

// moneyOf reads the money of every record element named record straight
// from the response text, keyed by the record's ID: gowsdl decodes
// xs:decimal into float64, which cannot hold every amount
// (99999999999999.99 would come back as …98), so the generated fields are
// never used for money.
func moneyOf(body []byte, record string) map[int32]enroMoney {
	out := map[int32]enroMoney{}
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth, at := 0, -1
	var id string
	var m enroMoney
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case at < 0 && t.Name.Local == record:
				at, id, m = depth, "", enroMoney{}
			case at >= 0 && depth == at+1:
				var v string
				if dec.DecodeElement(&v, &t) != nil {
					return out
				}
				depth--
				d, _ := decimalText(v)
				switch t.Name.Local {
				case "ID":
					id = strings.TrimSpace(v)
				case "Amount":
					m.amount = Decimal(d)
				case "GST":
					m.gst = Decimal(d)
				case "AmountPaid":
					m.paid = Decimal(d)
				case "AmountCredited":
					m.credited = Decimal(d)
				}
			}
		case xml.EndElement:
			if depth == at {
				if n, err := strconv.ParseInt(id, 10, 32); err == nil {
					out[int32(n)] = m
				}
				at = -1
			}
			depth--
		}
	}
}

func (a *Client) occurrence(o *vtsoap.TOccu) Occurrence {
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

func (a *Client) enrolment(e *vtsoap.TClieEnro, occurrenceID int64, money map[int32]enroMoney) Enrolment {
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
		out.OrganisationID = int64(b.OrganisationId)
		out.DeliveryType = b.DeliveryType
		if b.DeliveryModes != nil {
			out.DeliveryModes = []string{}
			for _, m := range b.DeliveryModes.Astring {
				if m != nil {
					out.DeliveryModes = append(out.DeliveryModes, *m)
				}
			}
		}
		out.EmployerIdentifier = b.EmployerIdentifier
		out.EmployerName = b.EmployerName
		out.EmployerContactCode = b.EmployerContactCode
		m := money[b.ID]
		out.Amount, out.GST, out.AmountPaid, out.AmountCredited = m.amount, m.gst, m.paid, m.credited
		out.DivisionID = int64(b.DivisionId)
		out.EnrolmentType = b.EnrolmentType
		out.EnrolmentTypeCode = b.EnrolmentTypeCode
	}
	return out
}

func unitOf(u *vtsoap.TUnit) Unit {
	return Unit{Code: strings.TrimSpace(u.Unit_Code), Name: u.Unit_Name, Type: UnitType(u.Unit_Type)}
}

func (a *Client) enrolledUnit(u *vtsoap.TEnun) EnrolledUnit {
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

func clientOf(c *vtsoap.TClie) Person {
	return Person{Code: strings.TrimSpace(c.Clie_Code), GivenName: c.Clie_Given, Surname: c.Clie_Surname}
}

func (a *Client) clientDetail(c *vtsoap.TClieDetail) Person {
	return Person{
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

// staffLinks flattens TClieStaffLinks: one StaffLink per TStaffLink.
// forClient: the list answers GetStaffForClient or an occurrence's Staff
// list (Clie is the staff member, arg the learner); otherwise
// GetClientsForStaff (Clie is the learner, arg the staff member). A
// member with no TStaffLink is kept as one link with no detail.
func staffLinks(list []*vtsoap.TClieStaffLinks, arg string, forClient bool) []StaffLink {
	var out []StaffLink
	for _, cs := range list {
		if cs == nil {
			continue
		}
		var who Person
		if cs.Clie != nil {
			who = clientOf(cs.Clie)
		}
		var links []*vtsoap.TStaffLink
		if cs.StaffLinks != nil {
			links = cs.StaffLinks.TStaffLink
		}
		if len(links) == 0 {
			links = []*vtsoap.TStaffLink{{LinkType: -1}}
		}
		for _, l := range links {
			if l == nil {
				continue
			}
			sl := StaffLink{StaffType: l.StaffTypeName, LinkType: LinkType(l.LinkType), LinkID: int64(l.ID), Primary: l.Primary == 1}
			switch sl.LinkType {
			case LinkOccurrence:
				sl.OccurrenceID = sl.LinkID
			case LinkEnrolment:
				sl.EnrolmentID = sl.LinkID
			case -1:
				sl.LinkType, sl.LinkID = LinkUnknown, 0
			}
			if forClient {
				sl.StaffCode, sl.GivenName, sl.Surname = who.Code, who.GivenName, who.Surname
				sl.ClientCode = arg
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
