-- Due block of every installment, with the loan's borrower.
SELECT i.loan_id, i.installment, i.due_block, l.account AS borrower
FROM installments AS i JOIN loans AS l USING (loan_id)
ORDER BY i.loan_id, i.installment;
