import { StringKey } from './en';

/** Cadenas en español. Los marcadores `{nombre}` los llena `format`. */
export const es: Record<StringKey, string> = {
  'welcome.title': 'Mesa de ayuda de TI',
  'welcome.body':
    '¡Hola, {name}! Cuéntame con tus palabras qué falla y registraré un ticket con número de ' +
    'seguimiento. También puedes llenar un formulario, seguir tus tickets o cambiar mi idioma.',
  'welcome.hints':
    'Prueba: "mi laptop no enciende", "nuevo ticket", "mis tickets", "estado SUP-000123", "idioma en".',
  'button.newTicket': 'Nuevo ticket',
  'button.myTickets': 'Mis tickets',
  'button.createTicket': 'Crear ticket',
  'button.submit': 'Enviar',
  'button.addTo': 'Agregar a {trackingId}',
  'form.title': 'Nuevo ticket de soporte',
  'form.titleLabel': 'Título',
  'form.titlePlaceholder': 'Un resumen breve, p. ej. "La impresora del piso 2 se atasca"',
  'form.descriptionLabel': 'Descripción',
  'form.descriptionPlaceholder': 'Qué pasó, desde cuándo, qué intentaste ya',
  'form.categoryLabel': 'Categoría',
  'form.impactLabel': 'Impacto: ¿a quién afecta?',
  'form.severityLabel': 'Gravedad: ¿qué tanto?',
  'form.invalid': 'Revisa el formulario: {issues}',
  'form.missingDescription': 'la descripción es obligatoria',
  'ack.title': 'Ticket {trackingId} registrado',
  'ack.next':
    'Un agente te responderá a más tardar el {firstResponseDue} ({firstResponseMinutes} minutos ' +
    'hábiles para prioridad {priority}). Resolución prevista: {resolutionDue}. Conserva el número ' +
    '{trackingId} para darle seguimiento.',
  'ack.next24x7':
    'Un agente te responderá a más tardar el {firstResponseDue} ({firstResponseMinutes} minutos ' +
    'para prioridad {priority}). Resolución prevista: {resolutionDue}. Conserva el número ' +
    '{trackingId} para darle seguimiento.',
  'ticket.number': 'Número de seguimiento',
  'ticket.status': 'Estado',
  'ticket.priority': 'Prioridad',
  'ticket.category': 'Categoría',
  'ticket.impact': 'Impacto',
  'ticket.severity': 'Gravedad',
  'ticket.requester': 'Solicitante',
  'ticket.owner': 'Responsable',
  'ticket.unassigned': 'Sin asignar',
  'ticket.createdAt': 'Abierto',
  'ticket.firstResponseDue': 'Primera respuesta a más tardar',
  'ticket.resolutionDue': 'Resolución a más tardar',
  'ticket.intakeChannel': 'Recibido por',
  'ticket.description': 'Descripción',
  'ticket.truncated':
    '(recortado aquí: el texto completo de {length} caracteres se conserva en el ticket)',
  'list.title': 'Tus tickets',
  'list.open': 'Abiertos',
  'list.recent': 'Cerrados recientemente',
  'list.none': 'Aún no tienes tickets. Describe un problema para abrir uno.',
  'list.noneOpen': 'No tienes tickets abiertos.',
  'choice.title': 'Ya tienes tickets abiertos',
  'choice.body': '¿Es sobre alguno de ellos, o es un problema nuevo?',
  'choice.added': 'Agregado a {trackingId}. Los agentes verán tu mensaje en el ticket.',
  'status.notFound':
    'No encontré {trackingId} entre tus tickets. Revisa el número o escribe "mis tickets".',
  'status.usage': 'Escribe "estado" y el número de seguimiento, p. ej. "estado SUP-000123".',
  'language.set': 'Listo: a partir de ahora te hablaré en español.',
  'language.usage': 'Escribe "idioma es" o "idioma en".',
  'error.storage':
    'Lo siento, no pude guardar eso en este momento, así que no se creó ningún ticket. ' +
    'Inténtalo de nuevo en un minuto.',
  'error.generic': 'Lo siento, algo falló de mi lado. Inténtalo de nuevo.',
  'error.expired':
    'Esta tarjeta ya no está al día. Escribe "mis tickets" para ver el estado actual.',
  'error.invalidAction': 'Esa acción no es válida para esta tarjeta.',
  'status.new': 'Nuevo',
  'status.assigned': 'Asignado',
  'status.in_progress': 'En curso',
  'status.waiting_requester': 'Esperando tu respuesta',
  'status.waiting_parts': 'Esperando partes',
  'status.resolved': 'Resuelto',
  'status.closed': 'Cerrado',
  'status.cancelled': 'Cancelado',
  'priority.alta': 'Alta',
  'priority.media': 'Media',
  'priority.baja': 'Baja',
  'level.high': 'Alto',
  'level.medium': 'Medio',
  'level.low': 'Bajo',
  'sevlevel.high': 'Alta',
  'sevlevel.medium': 'Media',
  'sevlevel.low': 'Baja',
  'impact.high': 'Alto: muchas personas o toda la empresa',
  'impact.medium': 'Medio: un equipo o una función importante',
  'impact.low': 'Bajo: solo yo',
  'severity.high': 'Alta: el trabajo está detenido',
  'severity.medium': 'Media: el trabajo se degrada',
  'severity.low': 'Baja: una molestia, hay alternativa',
  'category.hardware': 'Hardware',
  'category.software': 'Software',
  'category.network': 'Red / VPN',
  'category.access': 'Cuentas y accesos',
  'category.email': 'Correo electrónico',
  'category.printing': 'Impresión',
  'category.telephony': 'Telefonía',
  'category.other': 'Otro',
  'channel.teams': 'Chat de Teams',
  'channel.message-extension': 'Mensaje de Teams',
  'channel.phone': 'Teléfono',
  'channel.email': 'Correo electrónico',
  'triage.heading': '{trackingId} · prioridad {priority}',
  'triage.assignMe': 'Asignarme',
  'triage.assignTo': 'Asignar a…',
  'triage.assign': 'Asignar',
  'triage.assignee': 'Agente',
  'triage.reclassify': 'Reclasificar',
  'triage.update': 'Actualizar',
  'triage.noteTaken': '{name} tomó este ticket justo antes que tú: este es su estado actual.',
  'triage.noteConflict': 'Alguien cambió este ticket justo antes que tú: este es su estado actual.',
  'triage.noteRefused':
    'Solo los agentes del equipo de soporte pueden cambiar tickets. No se cambió nada.',
  'triage.noteAssigned': 'Asignado a {name}.',
  'triage.noteClassified': 'La prioridad ahora es {priority}.',
  'triage.onCallMention': 'Ticket de prioridad alta {trackingId}: {mentions}, por favor revísenlo.',
  'triage.firstResponse': 'Primera respuesta',
  'channel.setupDone':
    'Listo: este canal es ahora el canal de triage. Los tickets nuevos aparecerán aquí como tarjetas.',
  'channel.setupMoved':
    'Listo: el canal de triage se movió aquí desde {previous}. Los tickets nuevos aparecerán aquí.',
  'channel.setupSame': 'Este canal ya es el canal de triage.',
  'channel.notAdmin':
    'Lo siento, solo los administradores de soporte pueden configurar canales. Pídele a uno de ellos que lo haga.',
  'channel.onCallSet':
    'De guardia ahora: {names}. Se les mencionará en los tickets de prioridad alta.',
  'channel.onCallUsage': 'Menciona a los agentes: "de guardia @Ana @Luis".',
  'channel.notAgent': 'Solo los agentes del equipo de soporte pueden hacer eso.',
  'channel.noTriage':
    'Aún no hay canal de triage: escribe "configurar triage" en el canal del equipo de soporte.',
  'channel.help':
    'Comandos aquí: "configurar triage", "de guardia @nombre …", "mi cola", "estado SUP-000123". ' +
    'En inglés: "setup triage", "on call @name …", "my queue", "status SUP-000123".',
  'channel.notFound': 'No existe el ticket {trackingId}.',
  'queue.title': 'Mi cola',
  'queue.mine': 'Asignados a mí ({count})',
  'queue.unassigned': 'Sin asignar ({count})',
  'queue.none': 'Nada por aquí.',
  'queue.more': '{count} más sin mostrar: primero van los más antiguos.',
  'triage.autoAssigned': 'Asignado automáticamente a {name}, el agente con menos tickets abiertos.',
  'outbox.deadNotice':
    'No pude entregar un mensaje sobre {trackingId} a Teams ({status}): quizá quitaron el bot o borraron el canal. El mensaje se conserva; revisa la configuración.',
  'triage.partsWait': 'Esperando partes',
  'triage.partsDate': 'Llegada prevista (un día hábil)',
  'triage.partsArrived': 'Partes recibidas',
  'triage.waitRequester': 'Esperando al solicitante',
  'triage.resume': 'Reanudar',
  'triage.notePartsWaiting':
    'En espera de partes hasta el {date}. Se avisó al solicitante, que recibirá seguimiento cada día hábil.',
  'triage.notePartsArrived': 'Partes recibidas: el reloj de resolución vuelve a correr.',
  'triage.noteWaitingRequester':
    'Esperando al solicitante: el reloj de resolución está en pausa hasta que responda.',
  'triage.noteResumed': 'El reloj de resolución vuelve a correr.',
  'triage.notePartsDate':
    'Elige un día hábil entre el {from} y el {to} para las partes. No se cambió nada.',
  'triage.partsExpected': 'Partes previstas',
  'triage.firstResponseMet': '{when} ({actual} de {target})',
  'sla.atRisk.firstResponse': '⚠ En riesgo: primera respuesta a más tardar {due}',
  'sla.atRisk.resolution': '⚠ En riesgo: resolución a más tardar {due}',
  'sla.breached.firstResponse': '⛔ Objetivo de primera respuesta incumplido: vencía {due}',
  'sla.breached.resolution': '⛔ Objetivo de resolución incumplido: vencía {due}',
  'sla.paused.parts': '⏸ Reloj de resolución en pausa: esperando partes (previstas {date})',
  'sla.paused.requester': '⏸ Reloj de resolución en pausa: esperando al solicitante',
  'notice.firstResponse.warning':
    '⚠ {trackingId}: se ha consumido el {percent}% del tiempo de primera respuesta y nadie ha respondido aún. Vence {due}.',
  'notice.firstResponse.breach':
    '⛔ {trackingId}: objetivo de primera respuesta ({target}) incumplido. Vencía {due}.',
  'notice.resolution.warning':
    '⚠ {trackingId}: se ha consumido el {percent}% del tiempo de resolución. Vence {due}.',
  'notice.resolution.breach':
    '⛔ {trackingId}: objetivo de resolución ({target}) incumplido. Vencía {due}.',
  'notice.parts.overdue':
    '📦 {trackingId}: las partes previstas para el {date} no han llegado. Indica una fecha nueva o márcalas como recibidas.',
  'notice.update': 'Novedades de {trackingId} ({title}): sigue abierto, estado "{status}". {who}',
  'notice.update.owner': '{name} está trabajando en él; resolución prevista {due}.',
  'notice.update.queue': 'Está en la cola de soporte; resolución prevista {due}.',
  'notice.update.waiting':
    'El equipo de soporte espera tu respuesta: responde en este chat y elige este ticket.',
  'notice.parts.waiting':
    'Las partes que necesita {trackingId} están pedidas y se esperan para el {date}. Mientras tanto el tiempo de resolución está en pausa; te daré novedades cada día hábil.',
  'notice.parts.followUp': '{trackingId}: las partes siguen en camino, previstas para el {date}.',
  'notice.parts.followUpLate':
    '{trackingId}: las partes previstas para el {date} se retrasan. Se avisó al equipo de soporte, que te dará una fecha nueva.',
  'notice.parts.arrived':
    'Llegaron las partes de {trackingId} y el trabajo continúa. Resolución prevista: {due}.',
  'notice.waiting.requester':
    'El equipo de soporte necesita una respuesta tuya sobre {trackingId}. Responde en este chat; sin respuesta el ticket se cierra {date}.',
  'notice.autoClose':
    '{trackingId} se cerró: no tuvimos respuesta tuya en {days} días hábiles. Si el problema sigue, escríbeme y abriré un ticket nuevo.',
  'duration.minutes': '{minutes} min',
  'duration.hours': '{hours} h',
  'duration.hoursMinutes': '{hours} h {minutes} min',
  'ticket.pausedParts': 'en pausa: esperando partes, previstas para el {date}',
  'ticket.pausedRequester': 'en pausa: esperando tu respuesta',
  'triage.reply': 'Responder',
  'triage.replyLabel': 'Mensaje para el solicitante',
  'triage.replyWait': 'Necesito su respuesta (pausa el tiempo de resolución)',
  'triage.note': 'Nota interna',
  'triage.noteLabel': 'Nota para el equipo de soporte (el solicitante nunca la ve)',
  'triage.resolve': 'Resolver',
  'triage.resolveLabel': 'Qué lo resolvió (el solicitante lo leerá)',
  'triage.noteReplied': 'Enviado al solicitante.',
  'triage.noteNoted': 'Nota interna agregada.',
  'triage.noteResolved': 'Resuelto: se pide al solicitante que lo confirme.',
  'lifecycle.invalid': 'No es posible mientras el ticket está "{status}". No se cambió nada.',
  'lifecycle.tooLate':
    'Este ticket se cerró hace más de {days} días hábiles y ya no se puede reabrir: escríbeme y abriré uno nuevo.',
  'lifecycle.notYours': 'Solo quien abrió {trackingId} puede hacer eso. No se cambió nada.',
  'message.replyHeading': '{name} respondió en {trackingId}',
  'message.resolvedHeading': '{trackingId} está resuelto',
  'message.resolvedAsk': '¿Ya funciona? Sin respuesta, el ticket se cierra {date}.',
  'message.waitAsk': 'Por favor responde: sin respuesta, el ticket se cierra {date}.',
  'message.answerLabel': 'Tu respuesta',
  'message.answerSent': 'Enviado al equipo de soporte. ¡Gracias!',
  'message.confirmed': '¡Gracias! {trackingId} está cerrado.',
  'message.reopened':
    '{trackingId} está abierto de nuevo: se avisó al equipo de soporte que sigue fallando.',
  'message.cancelled': '{trackingId} está cancelado.',
  'button.reply': 'Responder',
  'button.worksNow': 'Ya funciona',
  'button.stillFailing': 'Sigue fallando',
  'button.reopen': 'Reabrir',
  'button.cancel': 'Cancelar',
  'thread.reply': '↩ {name} al solicitante: {text}',
  'thread.note': '📝 Nota interna de {name}: {text}',
  'thread.comment': '💬 {name} (solicitante): {text}',
  'thread.resolved': '✅ Resuelto por {name}: {text}',
  'thread.closed': '🔒 {trackingId} cerrado: el solicitante confirmó que funciona.',
  'thread.closedNoAnswer': '🔒 {trackingId} cerrado: el solicitante no respondió.',
  'thread.reopened':
    '🔁 {trackingId} reabierto por el solicitante ({count}): sigue fallando. {owner}',
  'thread.cancelled': '✖ {trackingId} cancelado por el solicitante.',
  'notice.autoCloseResolved':
    '{trackingId} se cerró: estaba resuelto y no tuvimos respuesta tuya en {days} días hábiles. Si el problema vuelve, usa Reabrir en su tarjeta dentro de 5 días hábiles.',
  'message.cancelAsk': '¿Cancelar {trackingId}? El equipo de soporte dejará de trabajar en él.',
  'steps.selfHeading': 'Mientras un agente revisa {trackingId}, prueba esto',
  'steps.agentHeading': '{name} envió pasos para {trackingId}',
  'steps.selfIntro':
    'Estos pasos resuelven este problema a muchas personas. Marca cada uno que probaste y dime cómo te fue.',
  'steps.agentIntro':
    'Sigue los pasos en orden, marca cada uno que hiciste y cuéntanos cómo te fue.',
  'steps.thanksWorked': '¡Excelente! {trackingId} está cerrado. Gracias.',
  'steps.thanksFailing':
    'Gracias: el equipo de soporte ve qué pasos probaste y sigue trabajando en {trackingId}.',
  'triage.sendSteps': 'Enviar pasos',
  'triage.playbookLabel': 'Una guía',
  'triage.playbookNone': '(mis propios pasos abajo)',
  'triage.ownStepsLabel': 'O tus propios pasos, uno por línea',
  'triage.noteStepsSent': 'Pasos enviados al solicitante.',
  'triage.noteStepsMissing': 'Elige una guía o escribe al menos un paso. No se envió nada.',
  'thread.steps': '🧰 {name} envió pasos: {title}',
  'thread.stepsWorked':
    '🎉 {trackingId}: los pasos funcionaron ({title}; marcó {ticked} de {total}). Cerrado.',
  'thread.stepsFailed':
    '🧰 {trackingId}: sigue fallando tras los pasos ({title}; marcó {ticked} de {total}).',
  'channel.tierSet':
    'Listo: este canal recibe los tickets escalados al nivel {tier}. Los miembros de su equipo son los agentes de nivel {tier}.',
  'channel.tierSetCategory':
    'Listo: este canal recibe los tickets de {category} escalados al nivel {tier}.',
  'channel.tierUsage':
    'Escribe "configurar nivel 2" en el canal que recibe las escalaciones de nivel 2, o "configurar nivel 2 red" para una categoría.',
  'mext.fromMessage': 'De un mensaje de {name}',
  'mext.openMessage': 'Abrir el mensaje',
  'mext.requesterLabel': '¿Quién necesita la ayuda?',
  'mext.requesterAuthor': '{name} (escribió el mensaje)',
  'mext.requesterMe': 'Yo ({name})',
  'mext.created':
    'Ticket {trackingId} registrado para {name}. El equipo de soporte lo verá en su canal de triage.',
  'handoff.heading': '{trackingId} · escalado al nivel {tier} · prioridad {priority}',
  'handoff.fromAgent': '{name} (agente)',
  'handoff.fromRequester': '{name} (solicitante)',
  'handoff.noteBy': 'Nota interna de {name}',
  'handoff.stepsTried': 'Pasos probados',
  'handoff.stepsLine': '{title}: marcó {ticked} de {total}, sigue fallando',
  'handoff.accepted': 'Aceptado por {name}.',
  'handoff.returned': 'Devuelto al nivel anterior: {reason}',
  'handoff.by': 'Escalado por',
  'handoff.tier1Owner': 'Responsable anterior',
  'handoff.reason': 'Por qué se escala',
  'handoff.notes': 'Notas del nivel anterior',
  'handoff.history': 'La conversación hasta ahora',
  'handoff.returnReason': 'Por qué se devuelve',
  'handoff.openThread': 'Abrir el hilo del nivel 1',
  'button.accept': 'Aceptar',
  'button.return': 'Devolver',
  'triage.escalate': 'Escalar',
  'triage.escalateReason': 'Por qué (el solicitante lo leerá)',
  'triage.escalateNotes': 'Notas para el siguiente nivel (internas)',
  'triage.noteEscalated': 'Escalado al nivel {tier} ({team}).',
  'triage.noTier':
    'Aún no hay un canal para el nivel {tier}: un administrador de soporte escribe "configurar nivel {tier}" en él. No se cambió nada.',
  'triage.handoffPending':
    'Este ticket ya espera que el nivel {tier} lo acepte. No se cambió nada.',
  'handoff.notAgent':
    'Solo los agentes del nivel {tier} pueden aceptar o devolver este ticket. No se cambió nada.',
  'handoff.noteAccepted': 'Ahora eres responsable de {trackingId}.',
  'handoff.noteReturned': '{trackingId} volvió al nivel {tier}.',
  'notice.escalated':
    'Tu ticket {trackingId} se escaló a {team} (nivel {tier}): {reason}. Resolución prevista: {due}.',
  'notice.handoffAccepted': '{name}, de {team}, ahora atiende {trackingId}.',
  'notice.handoffReturned':
    '{trackingId} volvió al equipo de soporte de primer nivel, que sigue trabajando en él.',
  'thread.escalated': '⬆ {name} escaló {trackingId} al nivel {tier} ({team}): {reason}',
  'thread.handoffAccepted': '✅ {name} (nivel {tier}) aceptó {trackingId}.',
  'thread.handoffReturned': '↩ {name} (nivel {tier}) devolvió {trackingId}: {reason}',
  'sla.autoEscalateReason':
    'se superó el tiempo objetivo de resolución, así que un equipo especializado lo toma',
  'handoff.noteEscalated': '{trackingId} pasó al nivel {tier}.',
  'group.hint':
    'Recibo solicitudes de soporte en un chat 1:1: abre un chat conmigo y describe el problema. Los equipos de soporte me usan en sus canales.',
};
