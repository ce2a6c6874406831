/** English strings. `{name}` placeholders are filled by `format`. */
export const en = {
  'welcome.title': 'IT Support Desk',
  'welcome.body':
    'Hi {name}! Tell me what is wrong in your own words and I will register a ticket with a ' +
    'tracking number. You can also fill in a form, follow your tickets, or change my language.',
  'welcome.hints':
    'Try: "my laptop does not turn on", "new ticket", "my tickets", "status SUP-000123", "language es".',
  'button.newTicket': 'New ticket',
  'button.myTickets': 'My tickets',
  'button.createTicket': 'Create ticket',
  'button.submit': 'Submit',
  'button.addTo': 'Add to {trackingId}',
  'form.title': 'New support ticket',
  'form.titleLabel': 'Title',
  'form.titlePlaceholder': 'A short summary, e.g. "Printer on floor 2 jams"',
  'form.descriptionLabel': 'Description',
  'form.descriptionPlaceholder': 'What happened, since when, what you already tried',
  'form.categoryLabel': 'Category',
  'form.impactLabel': 'Impact: who is affected?',
  'form.severityLabel': 'Severity: how badly?',
  'form.invalid': 'Please check the form: {issues}',
  'form.missingDescription': 'the description is required',
  'ack.title': 'Ticket {trackingId} registered',
  'ack.next':
    'An agent will respond by {firstResponseDue} ({firstResponseMinutes} business minutes for ' +
    '{priority} priority). Target resolution: {resolutionDue}. Keep the tracking number {trackingId} ' +
    'to follow it.',
  'ack.next24x7':
    'An agent will respond by {firstResponseDue} ({firstResponseMinutes} minutes for {priority} ' +
    'priority). Target resolution: {resolutionDue}. Keep the tracking number {trackingId} to follow it.',
  'ticket.number': 'Tracking number',
  'ticket.status': 'Status',
  'ticket.priority': 'Priority',
  'ticket.category': 'Category',
  'ticket.impact': 'Impact',
  'ticket.severity': 'Severity',
  'ticket.requester': 'Requester',
  'ticket.owner': 'Owner',
  'ticket.unassigned': 'Unassigned',
  'ticket.createdAt': 'Opened',
  'ticket.firstResponseDue': 'First response due',
  'ticket.resolutionDue': 'Resolution due',
  'ticket.intakeChannel': 'Received through',
  'ticket.description': 'Description',
  'ticket.truncated':
    '(shortened here: the full text of {length} characters is kept with the ticket)',
  'list.title': 'Your tickets',
  'list.open': 'Open',
  'list.recent': 'Recently closed',
  'list.none': 'You have no tickets yet. Describe a problem to open one.',
  'list.noneOpen': 'You have no open tickets.',
  'choice.title': 'You already have open tickets',
  'choice.body': 'Is this about one of them, or a new problem?',
  'choice.added': 'Added to {trackingId}. The agents will see your message in the ticket.',
  'status.notFound':
    'I could not find {trackingId} among your tickets. Check the number, or say "my tickets".',
  'status.usage': 'Say "status" and the tracking number, e.g. "status SUP-000123".',
  'language.set': 'Done: I will speak English with you from now on.',
  'language.usage': 'Say "language es" or "language en".',
  'error.storage':
    'Sorry, I could not save that right now, so no ticket was created. Please try again in a minute.',
  'error.generic': 'Sorry, something went wrong on my side. Please try again.',
  'error.expired': 'This card is out of date. Say "my tickets" to see the current state.',
  'error.invalidAction': 'That action is not valid for this card.',
  'status.new': 'New',
  'status.assigned': 'Assigned',
  'status.in_progress': 'In progress',
  'status.waiting_requester': 'Waiting for you',
  'status.waiting_parts': 'Waiting for parts',
  'status.resolved': 'Resolved',
  'status.closed': 'Closed',
  'status.cancelled': 'Cancelled',
  'priority.alta': 'High',
  'priority.media': 'Medium',
  'priority.baja': 'Low',
  'level.high': 'High',
  'level.medium': 'Medium',
  'level.low': 'Low',
  'sevlevel.high': 'High',
  'sevlevel.medium': 'Medium',
  'sevlevel.low': 'Low',
  'impact.high': 'High: many people or the whole business',
  'impact.medium': 'Medium: a team or an important function',
  'impact.low': 'Low: only me',
  'severity.high': 'High: work is stopped',
  'severity.medium': 'Medium: work is degraded',
  'severity.low': 'Low: a nuisance, there is a workaround',
  'category.hardware': 'Hardware',
  'category.software': 'Software',
  'category.network': 'Network / VPN',
  'category.access': 'Accounts and access',
  'category.email': 'E-mail',
  'category.printing': 'Printing',
  'category.telephony': 'Telephony',
  'category.other': 'Other',
  'channel.teams': 'Teams chat',
  'channel.message-extension': 'Teams message',
  'channel.phone': 'Phone',
  'channel.email': 'E-mail',
  'triage.heading': '{trackingId} · {priority} priority',
  'triage.assignMe': 'Assign to me',
  'triage.assignTo': 'Assign to…',
  'triage.assign': 'Assign',
  'triage.assignee': 'Agent',
  'triage.reclassify': 'Reclassify',
  'triage.update': 'Update',
  'triage.noteTaken': '{name} took this ticket just before you: this is its current state.',
  'triage.noteConflict': 'Someone changed this ticket just before you: this is its current state.',
  'triage.noteRefused': 'Only agents of the support team can change tickets. Nothing was changed.',
  'triage.noteAssigned': 'Assigned to {name}.',
  'triage.noteClassified': 'Priority is now {priority}.',
  'triage.onCallMention': 'Alta priority ticket {trackingId}: {mentions}, please take a look.',
  'triage.firstResponse': 'First response',
  'channel.setupDone':
    'Done: this channel is now the triage channel. New tickets will appear here as cards.',
  'channel.setupMoved':
    'Done: the triage channel moved here from {previous}. New tickets will appear here.',
  'channel.setupSame': 'This channel already is the triage channel.',
  'channel.notAdmin':
    'Sorry, only support administrators can set up channels. Ask one of them to do it.',
  'channel.onCallSet': 'On call now: {names}. They will be mentioned on alta tickets.',
  'channel.onCallUsage': 'Mention the agents: "on call @Ana @Luis".',
  'channel.notAgent': 'Only agents of the support team can do that.',
  'channel.noTriage':
    'No triage channel is set up yet: say "setup triage" in the support team’s channel.',
  'channel.help':
    'Commands here: "setup triage", "on call @name …", "my queue", "status SUP-000123". ' +
    'In Spanish: "configurar triage", "de guardia @nombre …", "mi cola", "estado SUP-000123".',
  'channel.notFound': 'There is no ticket {trackingId}.',
  'queue.title': 'My queue',
  'queue.mine': 'Assigned to me ({count})',
  'queue.unassigned': 'Unassigned ({count})',
  'queue.none': 'Nothing here.',
  'queue.more': '{count} more not shown: the oldest come first.',
  'triage.autoAssigned':
    'Assigned automatically to {name}, the agent with the fewest open tickets.',
  'outbox.deadNotice':
    'I could not deliver a message about {trackingId} to Teams ({status}): the bot may have been removed or the channel deleted. The message is kept; check the setup.',
  'triage.partsWait': 'Waiting for parts',
  'triage.partsDate': 'Expected arrival (a business day)',
  'triage.partsArrived': 'Parts arrived',
  'triage.waitRequester': 'Waiting for requester',
  'triage.resume': 'Resume',
  'triage.notePartsWaiting':
    'Waiting for parts until {date}. The requester was told and gets a follow-up every business day.',
  'triage.notePartsArrived': 'Parts arrived: the resolution clock runs again.',
  'triage.noteWaitingRequester':
    'Waiting for the requester: the resolution clock is paused until they answer.',
  'triage.noteResumed': 'The resolution clock runs again.',
  'triage.notePartsDate':
    'Pick a working day between {from} and {to} for the parts. Nothing was changed.',
  'triage.partsExpected': 'Parts expected',
  'triage.firstResponseMet': '{when} ({actual} of {target})',
  'sla.atRisk.firstResponse': '⚠ At risk: first response due {due}',
  'sla.atRisk.resolution': '⚠ At risk: resolution due {due}',
  'sla.breached.firstResponse': '⛔ First-response target missed: it was due {due}',
  'sla.breached.resolution': '⛔ Resolution target missed: it was due {due}',
  'sla.paused.parts': '⏸ Resolution clock paused: waiting for parts (expected {date})',
  'sla.paused.requester': '⏸ Resolution clock paused: waiting for the requester',
  'notice.firstResponse.warning':
    '⚠ {trackingId}: {percent}% of the first-response time is used and nobody has answered yet. It is due {due}.',
  'notice.firstResponse.breach':
    '⛔ {trackingId}: first-response target ({target}) missed. It was due {due}.',
  'notice.resolution.warning':
    '⚠ {trackingId}: {percent}% of the resolution time is used. Resolution is due {due}.',
  'notice.resolution.breach':
    '⛔ {trackingId}: resolution target ({target}) missed. It was due {due}.',
  'notice.parts.overdue':
    '📦 {trackingId}: the parts expected {date} have not arrived. Set a new date or mark them arrived.',
  'notice.update': 'Update on {trackingId} ({title}): it is still open, status "{status}". {who}',
  'notice.update.owner': '{name} is working on it; expected resolution {due}.',
  'notice.update.queue': 'It is in the support queue; expected resolution {due}.',
  'notice.update.waiting':
    'The support team is waiting for your answer: reply in this chat and choose this ticket.',
  'notice.parts.waiting':
    'The parts needed for {trackingId} are on order and expected by {date}. The resolution time is paused meanwhile; I will update you every business day.',
  'notice.parts.followUp': '{trackingId}: the parts are still on their way, expected by {date}.',
  'notice.parts.followUpLate':
    '{trackingId}: the parts expected {date} are late. The support team was alerted and will give you a new date.',
  'notice.parts.arrived':
    'The parts for {trackingId} have arrived and work continues. Expected resolution: {due}.',
  'notice.waiting.requester':
    'The support team needs an answer from you on {trackingId}. Reply in this chat; without an answer the ticket closes {date}.',
  'notice.autoClose':
    '{trackingId} was closed: we did not hear back from you for {days} business days. If the problem persists, write to me and I will open a new ticket.',
  'duration.minutes': '{minutes} min',
  'duration.hours': '{hours} h',
  'duration.hoursMinutes': '{hours} h {minutes} min',
  'ticket.pausedParts': 'paused: waiting for parts, expected {date}',
  'ticket.pausedRequester': 'paused: waiting for your answer',
  'group.hint':
    'I take support requests in a 1:1 chat: open a chat with me and describe the problem. Support teams use me in their channels.',
} as const;

export type StringKey = keyof typeof en;
