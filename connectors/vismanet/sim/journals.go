package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) journalRoutes(add addRoute) {
	add(OpListJournalTransactions, s.listJournals)
	add(OpCreateJournalTransaction, s.createJournal)
	add(OpGetJournalTransaction, s.getJournal)
	add(OpUpdateJournalTransaction, s.updateJournal)
	add(OpReleaseJournalTransaction, s.releaseJournal)
}

// DefaultLedger is the ledger of a batch that names none.
const DefaultLedger = "ACTUAL"

func (s *Sim) journalLocked(number string) *JournalTransaction {
	for _, j := range s.st.Journals {
		if eqFold(j.BatchNumber, number) {
			return j
		}
	}
	return nil
}

// journalDto renders a batch with the lines given (a page may hold part
// of a batch's lines).
func (s *Sim) journalDto(j *JournalTransaction, lines []JournalLine) journalTransactionDto {
	ref := &s.st.Ref
	d := journalTransactionDto{Module: j.Module, BatchNumber: j.BatchNumber, Status: j.Status, Hold: j.Hold,
		TransactionDate: At(j.TransactionDate), PostPeriod: j.FinancialPeriod, FinancialPeriod: j.FinancialPeriod, Ledger: j.Ledger,
		LedgerDescription: j.Ledger, CurrencyID: j.CurrencyID, ExchangeRate: Units(1), Description: j.Description,
		DebitTotal: j.DebitTotal, DebitTotalInCurrency: j.DebitTotal, CreditTotal: j.CreditTotal, CreditTotalInCurrency: j.CreditTotal,
		ControlTotal: j.DebitTotal, ControlTotalInCurrency: j.DebitTotal, LastModifiedDateTime: At(j.Modified),
		TransactionCode: j.TransactionCode, Branch: j.Branch, JournalTransactionLines: []journalLineDto{}}
	for _, l := range lines {
		ld := journalLineDto{LineNumber: l.LineNumber, AccountNumber: l.AccountNumber, Description: l.Description,
			ReferenceNumber: l.ReferenceNumber, DebitAmount: l.Debit, DebitAmountInCurrency: l.Debit, CreditAmount: l.Credit,
			CreditAmountInCurrency: l.Credit, TransactionDescription: l.Description, Branch: l.Branch, Module: j.Module, UOM: l.UOM,
			Quantity: l.Quantity, Note: l.Note}
		if c := ref.vatCategory(l.VatCategoryID); c != nil {
			ld.VatCode = &idDescDto{ID: c.ID, Description: c.Description}
		}
		if v := ref.vat(l.VatID); v != nil {
			ld.Vat = &idDescDto{ID: v.ID, Description: v.Description}
		}
		d.JournalTransactionLines = append(d.JournalTransactionLines, ld)
	}
	return d
}

// listJournals pages by lines, as the contract says of this endpoint: a
// page holds pageSize lines, a batch's lines may be split over pages, and
// totalCount counts lines.
func (s *Sim) listJournals(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	// This endpoint has no lastModifiedDateTimeCondition in the contract:
	// lastModifiedDateTime alone means changed since then.
	if q.Get("lastModifiedDateTime") != "" && q.Get("lastModifiedDateTimeCondition") == "" {
		q.Set("lastModifiedDateTimeCondition", ">=")
	}
	changes := parseChanges(q, &ps, "lastModifiedDateTime")
	periodID := q.Get("periodId")
	if periodID == "" && q.Get("lastModifiedDateTime") == "" {
		ps.add("periodId", "'periodId' is required when 'lastModifiedDateTime' is not given.")
	}
	if periodID != "" {
		if p, err := parsePeriod(periodID); err == nil {
			periodID = p
		} else {
			ps.add("periodId", "'periodId' is %q: %v.", periodID, err)
		}
	}
	module := q.Get("module")
	if module != "" && !slices.Contains([]string{"GL", "AP", "AR", "CM", "CA", "IN", "DR", "FA", "PM"}, module) {
		ps.add("module", "'module' is %q; it must be one of GL, AP, AR, CM, CA, IN, DR, FA, PM.", module)
	}
	var releasedBatch *bool
	if v := q.Get("releasedBatch"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			ps.add("releasedBatch", "'releasedBatch' is %q; it must be true or false.", v)
		}
		releasedBatch = &b
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	type row struct {
		j *JournalTransaction
		l JournalLine
	}
	s.mu.Lock()
	var rows []row
	for _, j := range s.st.Journals {
		if (periodID != "" && j.FinancialPeriod != periodID) || (module != "" && j.Module != "Module"+module) ||
			(q.Get("status") != "" && !eqFold(q.Get("status"), j.Status)) || (q.Get("branch") != "" && !eqFold(q.Get("branch"), j.Branch)) ||
			(releasedBatch != nil && j.Released != *releasedBatch) || !(stamps{"lastModifiedDateTime": j.Modified}).matches(changes) {
			continue
		}
		for _, l := range j.Lines {
			rows = append(rows, row{j, l})
		}
	}
	var out []journalTransactionDto
	page := simkit.Slice(rows, pg)
	for i := 0; i < len(page); {
		k := i
		var lines []JournalLine
		for ; k < len(page) && page[k].j == page[i].j; k++ {
			lines = append(lines, page[k].l)
		}
		out = append(out, s.journalDto(page[i].j, lines))
		i = k
	}
	s.mu.Unlock()
	meta := &metadataDto{TotalCount: int64(len(rows)), MaxPageSize: MaxPageSize}
	for i := range out {
		out[i].Metadata = meta
	}
	if out == nil {
		out = []journalTransactionDto{}
	}
	s.out.JSON(w, r, http.StatusOK, out)
}

func (s *Sim) getJournal(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	j := s.journalLocked(p.Get("journalTransactionNumber"))
	var d journalTransactionDto
	if j != nil {
		d = s.journalDto(j, j.Lines)
	}
	s.mu.Unlock()
	if j == nil {
		s.notFound(w, r, "Journal transaction", p.Get("journalTransactionNumber"))
		return
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createJournal(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	createRecord(s, w, r, &JournalTransaction{Module: "ModuleGL", Status: "Balanced", Ledger: DefaultLedger},
		func(j *JournalTransaction, d *journalTransactionUpdateDto) problems {
			return s.applyJournalLocked(j, d, true)
		},
		func(j *JournalTransaction) string {
			if j.BatchNumber == "" {
				j.BatchNumber = s.nextNumberLocked("journal", "%06d", 1, func(n string) bool { return s.journalLocked(n) != nil })
			}
			now := s.now()
			j.Created, j.Modified = now, now
			s.st.Journals = append(s.st.Journals, j)
			return "/v2/journaltransaction/" + j.BatchNumber
		})
}

func (s *Sim) updateJournal(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	updateReleasable(s, w, r, releasable[JournalTransaction, journalTransactionUpdateDto]{
		what: "Journal transaction", param: "journalTransactionNumber", number: p.Get("journalTransactionNumber"),
		find:     s.journalLocked,
		released: func(j *JournalTransaction) bool { return j.Released },
		apply: func(j *JournalTransaction, d *journalTransactionUpdateDto) problems {
			return s.applyJournalLocked(j, d, false)
		},
		touch: func(j *JournalTransaction, now time.Time) { j.Modified = now },
	})
}

// applyJournalLocked applies a journal transaction write; fresh is a
// create. A batch whose debits and credits differ is refused.
func (s *Sim) applyJournalLocked(j *JournalTransaction, d *journalTransactionUpdateDto, fresh bool) problems {
	var ps problems
	ref := &s.st.Ref
	if n, ok := wrapped(d.BatchNumber); ok && fresh && flag(d.OverrideNumberSeries) {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			ps.add("batchNumber", "'batchNumber' is required with overrideNumberSeries.")
		case s.journalLocked(n) != nil:
			ps.add("batchNumber", "A journal transaction %s already exists.", n)
		default:
			j.BatchNumber = n
		}
	} else if fresh && flag(d.OverrideNumberSeries) {
		ps.add("batchNumber", "'batchNumber' is required with overrideNumberSeries.")
	}
	if v, ok := wrapped(d.Hold); ok {
		j.Hold = v
		j.Status = map[bool]string{true: "Hold", false: "Balanced"}[v]
	}
	if fresh {
		j.TransactionDate = day(s.o.Now())
		j.CurrencyID, j.Branch = ref.baseCurrency(), ref.mainBranch()
	}
	if v, ok := wrapped(d.TransactionDate); ok {
		j.TransactionDate = v.Time
		j.FinancialPeriod = ""
	}
	if j.FinancialPeriod == "" {
		j.FinancialPeriod = period(j.TransactionDate)
	}
	for _, p := range []struct {
		field string
		v     *value[string]
	}{{"postPeriod", d.PostPeriod}, {"financialPeriod", d.FinancialPeriod}} {
		if v, ok := wrapped(p.v); ok && v != "" {
			fp, err := parsePeriod(v)
			if err != nil {
				ps.add(p.field, "'%s' is %q: %v.", p.field, v, err)
				continue
			}
			j.FinancialPeriod = fp
		}
	}
	setStr(&j.Ledger, d.Ledger)
	setStr(&j.Description, d.Description)
	setStr(&j.TransactionCode, d.TransactionCode)
	setRef(&ps, "currencyId", &j.CurrencyID, d.CurrencyId, func(id string) bool { return ref.currency(id) != nil }, "Currency")
	setRef(&ps, "branch", &j.Branch, d.Branch, func(id string) bool { return ref.branch(id) != nil }, "Branch")

	next := int64(1)
	for _, l := range j.Lines {
		next = max(next, l.LineNumber+1)
	}
	for i, ld := range d.JournalTransactionLines {
		field := fmt.Sprintf("journalTransactionLines[%d]", i)
		op := lineOp(&ps, field, ld.Operation, fresh)
		var line *JournalLine
		switch op {
		case "Insert":
			n := next
			if v, ok := wrapped(ld.LineNumber); ok && fresh {
				n = v
			}
			j.Lines = append(j.Lines, JournalLine{LineNumber: n, Branch: j.Branch})
			next = max(next, n) + 1
			line = &j.Lines[len(j.Lines)-1]
		default:
			nbr, ok := wrapped(ld.LineNumber)
			at := slices.IndexFunc(j.Lines, func(l JournalLine) bool { return l.LineNumber == nbr })
			if !ok || at < 0 {
				ps.add(field+".lineNumber", "'%s.lineNumber' must name a line of the transaction to %s it.", field, strings.ToLower(op))
				continue
			}
			if op == "Delete" {
				j.Lines = slices.Delete(j.Lines, at, at+1)
				continue
			}
			line = &j.Lines[at]
		}
		setRef(&ps, field+".accountNumber", &line.AccountNumber, ld.AccountNumber, func(id string) bool { return ref.account(id) != nil }, "Account")
		switch a := ref.account(line.AccountNumber); {
		case line.AccountNumber == "" && !slices.ContainsFunc(ps, func(p problem) bool { return p.Field == field+".accountNumber" }):
			ps.add(field+".accountNumber", "'%s.accountNumber' is required.", field)
		case a != nil && !a.Active:
			ps.add(field+".accountNumber", "'%s.accountNumber': the account %s is not active.", field, a.Number)
		}
		setStr(&line.Description, ld.TransactionDescription)
		setStr(&line.ReferenceNumber, ld.ReferenceNumber)
		setDec(&line.Debit, ld.DebitAmountInCurrency)
		setDec(&line.Credit, ld.CreditAmountInCurrency)
		setDec(&line.Quantity, ld.Quantity)
		setStr(&line.UOM, ld.Uom)
		setStr(&line.Note, ld.Note)
		setRef(&ps, field+".vatCodeId", &line.VatCategoryID, ld.VatCodeId, func(id string) bool { return ref.vatCategory(id) != nil }, "VAT category")
		setRef(&ps, field+".vatId", &line.VatID, ld.VatId, func(id string) bool { return ref.vat(id) != nil }, "VAT")
		setRef(&ps, field+".branch", &line.Branch, ld.Branch, func(id string) bool { return ref.branch(id) != nil }, "Branch")
		if line.Debit.V < 0 || line.Credit.V < 0 {
			ps.add(field, "'%s': debit and credit amounts cannot be negative.", field)
		}
		if !line.Debit.IsZero() && !line.Credit.IsZero() {
			ps.add(field, "'%s' has both a debit and a credit amount; a line is one or the other.", field)
		}
	}
	if len(j.Lines) == 0 {
		ps.add("journalTransactionLines", "'journalTransactionLines' is required: a journal transaction needs lines.")
	}
	j.DebitTotal, j.CreditTotal = Dec{}, Dec{}
	for _, l := range j.Lines {
		j.DebitTotal = j.DebitTotal.Add(l.Debit)
		j.CreditTotal = j.CreditTotal.Add(l.Credit)
	}
	if len(ps) == 0 && j.DebitTotal != j.CreditTotal {
		ps.add("journalTransactionLines", "The journal transaction is not balanced: the debit total %s differs from the credit total %s.",
			j.DebitTotal, j.CreditTotal)
	}
	return ps
}

// releaseJournal posts a batch: Balanced → Posted, once.
func (s *Sim) releaseJournal(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	number := p.Get("journalTransactionNumber")
	s.mu.Lock()
	j := s.journalLocked(number)
	var problem, id string
	switch {
	case j == nil:
	case j.Released:
		problem = fmt.Sprintf("The journal transaction %s is released already.", j.BatchNumber)
	case j.Hold:
		problem = fmt.Sprintf("The journal transaction %s is on hold and cannot be released.", j.BatchNumber)
	default:
		j.Released, j.Status, j.Modified = true, "Posted", s.now()
		id = s.guidLocked()
	}
	s.mu.Unlock()
	switch {
	case j == nil:
		s.notFound(w, r, "Journal transaction", number)
	case problem != "":
		s.bad(w, r, "journalTransactionNumber", "%s", problem)
	default:
		s.out.JSON(w, r, http.StatusOK, actionResultDto{ActionID: id, ActionResult: "Done"})
	}
}
