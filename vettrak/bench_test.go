package vettrak_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// BenchmarkEnrolmentsRoundTrip: one GetEnrolmentsForOccurrence of 20
// enrolments against the fake over loopback HTTP.
func BenchmarkEnrolmentsRoundTrip(b *testing.B) {
	ds, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 1, Occurrences: 1, Units: 3, Learners: 20, EnrolledUnits: 60})
	if err != nil {
		b.Fatal(err)
	}
	srv := vettraktest.NewServer(vettraktest.WithDataset(ds))
	defer srv.Close()
	api, err := vettrak.New(srv.URL(), srv.Credentials())
	if err != nil {
		b.Fatal(err)
	}
	occ := ds.Occurrences()[0]
	for b.Loop() {
		en, err := api.EnrolmentsForOccurrence(b.Context(), occ)
		if err != nil || len(en) != 20 {
			b.Fatal(len(en), err)
		}
	}
}

// BenchmarkDecodeOccurrences: validating, decoding and converting a
// 1,000-occurrence answer (no network).
func BenchmarkDecodeOccurrences(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(okAuth + "<OccuList>")
	for i := range 1000 {
		fmt.Fprintf(&sb, `<TOccu><ID>%d</ID><Code>OCC-%d</Code><StartDate>2026-03-02T09:00:00</StartDate><EndDate>2026-06-02T17:00:00</EndDate><Status>Active</Status><StatusType>0</StatusType><DateOfEffect>0001-01-01T00:00:00</DateOfEffect><OrganisationId>1</OrganisationId><Description>Occurrence %d</Description><Loca_Code>SYD</Loca_Code><Amount>0.00</Amount><GST>0.00</GST><AmountPaid>0.00</AmountPaid><AmountCredited>0.00</AmountCredited><DivisionId>0</DivisionId><Colour>#0000FF</Colour><Prog_Code>P1</Prog_Code><Prog_ID>1</Prog_ID><Prog_Name>Programme</Prog_Name><Reportable>0</Reportable><Uploaded>0</Uploaded><WebPublished>0</WebPublished></TOccu>`, i, i, i)
	}
	sb.WriteString("</OccuList>")
	body := respond("GetLMSNewOccurrences", sb.String())
	api, _ := cannedAPI(b, func(string, []byte) (int, string) { return 200, body })
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		occ, err := api.LMSNewOccurrences(b.Context())
		if err != nil || len(occ) != 1000 {
			b.Fatal(len(occ), err)
		}
	}
}
