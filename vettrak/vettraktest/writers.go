package vettraktest

import (
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// The record writers: each writes one WSDL type from the dataset's
// records, in the element order and with the nulls the WSDL declares (see
// rec).

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
