-- The events the Credit pallet's behaviour counters follow, in chain order (phase: NULL extrinsic_index is
-- a block hook). Fields stay JSON; the replay (analytics/credit_replay.py) reads them.
SELECT block_number, event_index, extrinsic_index, pallet, event, CAST(fields AS VARCHAR) AS fields
FROM events
WHERE (pallet = 'Lending' AND event IN ('LoanRequested', 'PledgeMade', 'InstallmentPaid', 'RepaymentMade',
                                        'LoanRepaid', 'LoanDefaulted', 'LoanWrittenOff'))
   OR (pallet = 'Credit' AND event IN ('ScoreUpdated', 'ScorecardSet', 'Vouched', 'VouchWithdrawn', 'VouchStakeDrawn',
                                       'VouchUnitSet'))
   OR (pallet = 'SavingsGroups' AND event IN ('MemberJoined', 'CycleStarted', 'SharesBought', 'MeetingClosed',
                                              'LoanRequested', 'RepaymentMade', 'LoanRepaid', 'LoanSettledAtShareOut'))
   OR (pallet = 'Remittance' AND event IN ('RemittanceCashedOut', 'RemittanceClaimed'))
   OR (pallet = 'Education' AND event IN ('CredentialIssued', 'CredentialRevoked'))
ORDER BY block_number, event_index;
