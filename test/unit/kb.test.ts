import {
  CATEGORY_BONUS,
  LIMITS,
  MATCH_THRESHOLD,
  PlaybookSchema,
  buildPlaybooks,
  keywordEvidence,
  loadPlaybooks,
  matchPlaybook,
  normalise,
  parsePlaybook,
  playbookById,
  stepsIn,
  type Playbook,
} from '../../src/domain/kb/playbook';
import { CATEGORIES } from '../../src/domain/tickets/category';

const playbooks = loadPlaybooks();

/** Realistic requests, as employees write them, and the playbook each should bring up. */
const REQUESTS: Record<string, { es: string[]; en: string[] }> = {
  'printer-offline': {
    es: [
      'La impresora del piso 3 dice sin conexión',
      'No puedo imprimir, el documento se queda en la cola',
      'la impresora de contabilidad no imprime nada desde ayer',
    ],
    en: [
      'The printer on the 2nd floor shows as offline',
      "I can't print, my job is stuck in the queue",
    ],
  },
  'vpn-not-connecting': {
    es: [
      'no me conecta la VPN desde casa',
      'La VPN se desconecta a cada rato y no puedo trabajar',
      'No puedo conectarme a la VPN de la empresa',
    ],
    en: ["VPN won't connect from home", 'AnyConnect keeps failing, cannot connect to the VPN'],
  },
  'password-reset': {
    es: [
      'se me bloqueó la cuenta',
      'Olvidé mi contraseña y no puedo iniciar sesión',
      'me dice que mi contraseña expiró, ¿cómo la cambio?',
    ],
    en: ['I forgot my password', 'My account is locked out after too many attempts'],
  },
  'outlook-not-syncing': {
    es: [
      'Outlook no sincroniza el correo',
      'No me llegan los correos desde la mañana',
      'los correos se quedan en la bandeja de salida y no se envían',
    ],
    en: ['Outlook is not syncing my inbox', 'My emails are stuck in the outbox'],
  },
  'wifi-drops': {
    es: [
      'Se cae el wifi a cada rato en la sala de juntas',
      'No tengo internet en la laptop, el wi-fi se desconecta',
      'la señal del wifi es muy débil en mi escritorio',
    ],
    en: [
      'The wifi keeps dropping in the meeting room',
      'No internet on my laptop, Wi-Fi disconnects',
    ],
  },
  'slow-computer': {
    es: [
      'Mi computadora está muy lenta',
      'la laptop se traba cada vez que abro Excel',
      'El equipo tarda mucho en encender y se congela',
    ],
    en: ['My computer is very slow', 'The laptop freezes and takes forever to start'],
  },
  'teams-audio-video': {
    es: [
      'En las reuniones de Teams no me escuchan',
      'La cámara no funciona en Teams',
      'no escucho nada en la llamada, los audífonos están conectados',
    ],
    en: ["People can't hear me in Teams meetings", 'My webcam is not working in Teams calls'],
  },
  'software-install-request': {
    es: [
      'Necesito instalar Power BI',
      'Quiero instalar un programa pero me pide permisos de administrador',
      'No me deja instalar Zoom en la laptop',
    ],
    en: ['I need to install Visual Studio Code', 'Software request: Adobe Acrobat Pro license'],
  },
  'shared-drive-access': {
    es: [
      'No tengo acceso a la carpeta compartida de Finanzas',
      'Necesito acceso a la unidad de red de Recursos Humanos',
      'me sale acceso denegado al abrir la carpeta del proyecto',
    ],
    en: [
      'I need access to the Marketing shared drive',
      'Access denied when opening the network drive',
    ],
  },
  'monitor-docking': {
    es: [
      'El monitor no da imagen cuando conecto la laptop',
      'la base de conexión no detecta el segundo monitor',
      'La pantalla externa parpadea y se pone negra',
    ],
    en: ['My external monitor says no signal', 'The docking station does not detect my monitors'],
  },
};

/** Texts that are not about any playbook, some of them deliberately close to IT vocabulary. */
const UNRELATED = [
  'quiero pedir vacaciones',
  'the coffee machine is broken',
  '¿A qué hora es la reunión de mañana?',
  'Necesito un mouse nuevo, el mío ya no sirve',
  'el aire acondicionado de la oficina no funciona',
  'Can someone book a meeting room for Friday?',
  'My keyboard is missing two keys',
  'solicito un cambio de escritorio',
  'gracias por la ayuda',
  'Where do I submit my expense report?',
  '',
  '!!! ???',
];

const valid: Playbook = {
  id: 'sample-playbook',
  category: 'other',
  title: { es: 'Ejemplo', en: 'Sample' },
  summary: { es: 'Un ejemplo.', en: 'A sample.' },
  keywords: { es: ['ejemplo'], en: ['sample'] },
  steps: [
    { es: 'Paso uno.', en: 'Step one.' },
    { es: 'Paso dos.', en: 'Step two.' },
    { es: 'Paso tres.', en: 'Step three.' },
  ],
  selfHelp: true,
};

describe('shipped playbooks', () => {
  it('ship at least ten, with unique ids, sorted by id', () => {
    expect(playbooks.length).toBeGreaterThanOrEqual(10);
    const ids = playbooks.map((playbook) => playbook.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it.each(playbooks.map((playbook) => [playbook.id, playbook] as const))(
    '%s validates and has both languages for every text',
    (_id, playbook) => {
      expect(PlaybookSchema.parse(playbook)).toEqual(playbook);
      expect(CATEGORIES).toContain(playbook.category);
      const texts = [playbook.title, playbook.summary, ...playbook.steps];
      for (const item of texts) {
        expect(item.es.trim()).not.toBe('');
        expect(item.en.trim()).not.toBe('');
        expect(item.es).not.toBe(item.en);
      }
      expect(playbook.title.es.length).toBeLessThanOrEqual(LIMITS.title);
      expect(playbook.title.en.length).toBeLessThanOrEqual(LIMITS.title);
      expect(playbook.keywords.es.length).toBeGreaterThan(0);
      expect(playbook.keywords.en.length).toBeGreaterThan(0);
    },
  );

  it('mark requests that always need an agent as not self-help', () => {
    expect(playbookById(playbooks, 'software-install-request')?.selfHelp).toBe(false);
    expect(playbookById(playbooks, 'shared-drive-access')?.selfHelp).toBe(false);
    expect(playbookById(playbooks, 'printer-offline')?.selfHelp).toBe(true);
  });

  it('have a test request set for every playbook', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual(playbooks.map((playbook) => playbook.id));
  });
});

describe('matchPlaybook', () => {
  const cases = Object.entries(REQUESTS).flatMap(([id, { es, en }]) =>
    [...es, ...en].map((text) => [id, text] as const),
  );

  it.each(cases)('%s ← "%s"', (id, text) => {
    const match = matchPlaybook(playbooks, text);
    expect(match?.playbook.id).toBe(id);
    expect(match?.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
  });

  it.each(UNRELATED)('matches nothing for "%s"', (text) => {
    expect(matchPlaybook(playbooks, text)).toBeUndefined();
    expect(matchPlaybook(playbooks, text, 'other')).toBeUndefined();
  });

  it('gives a bonus when the playbook category is the ticket category', () => {
    // One keyword alone is below the threshold; the matching category lifts it over.
    expect(matchPlaybook(playbooks, 'problema con la impresora')).toBeUndefined();
    const match = matchPlaybook(playbooks, 'problema con la impresora', 'printing');
    expect(match?.playbook.id).toBe('printer-offline');
    expect(match?.score).toBe(1 + CATEGORY_BONUS);
    // A category that is not the playbook's does not help.
    expect(matchPlaybook(playbooks, 'problema con la impresora', 'email')).toBeUndefined();
  });

  it('lets the category decide between equally likely playbooks', () => {
    const text = 'el monitor y la contraseña';
    expect(matchPlaybook(playbooks, text, 'hardware')?.playbook.id).toBe('monitor-docking');
    expect(matchPlaybook(playbooks, text, 'access')?.playbook.id).toBe('password-reset');
  });

  it('weights a phrase higher than its words apart', () => {
    const phrase = matchPlaybook(playbooks, 'la VPN no conecta');
    const scattered = matchPlaybook(playbooks, 'no sé, la VPN. Conecta a veces', 'network');
    expect(phrase?.playbook.id).toBe('vpn-not-connecting');
    expect(phrase!.score).toBeGreaterThan(scattered?.score ?? 0);
  });

  it('does not match a phrase across sentences', () => {
    expect(matchPlaybook(playbooks, 'No. Imprime bien')).toBeUndefined();
  });

  it('is not fooled by accents, case or punctuation', () => {
    const plain = matchPlaybook(playbooks, 'la impresora esta sin conexion');
    const written = matchPlaybook(playbooks, '¡LA IMPRESORA ESTÁ SIN CONEXIÓN!');
    expect(written?.playbook.id).toBe('printer-offline');
    expect(written?.score).toBe(plain?.score);
  });

  it('returns nothing when there are no playbooks', () => {
    expect(matchPlaybook([], 'la impresora no imprime', 'printing')).toBeUndefined();
  });
});

describe('normalise', () => {
  it('folds accents, joins hyphens, drops stopwords and splits clauses', () => {
    expect(normalise('¿Se me bloqueó la cuenta? El Wi-Fi tampoco.')).toEqual([
      ['bloqueo', 'cuenta'],
      ['wifi', 'tampoco'],
    ]);
    expect(normalise("I can't print")).toEqual([['cant', 'print']]);
  });
});

describe('lookups', () => {
  it('finds a playbook by id', () => {
    expect(playbookById(playbooks, 'vpn-not-connecting')?.category).toBe('network');
    expect(playbookById(playbooks, 'nope')).toBeUndefined();
  });

  it('lists the steps in one language', () => {
    const printer = playbookById(playbooks, 'printer-offline')!;
    expect(stepsIn(printer, 'es')).toEqual(printer.steps.map((item) => item.es));
    expect(stepsIn(printer, 'en')[0]).toMatch(/printer/i);
  });
});

describe('validation', () => {
  const reject = (data: unknown) => () => parsePlaybook({ file: 'sample-playbook', data });

  it('accepts a minimal valid playbook', () => {
    expect(parsePlaybook({ file: 'sample-playbook', data: valid })).toEqual(valid);
  });

  it('rejects broken playbooks, naming the file and the reason', () => {
    expect(reject({ ...valid, title: { es: 'Ejemplo' } })).toThrow(
      /playbook sample-playbook: title\.en/,
    );
    expect(reject({ ...valid, title: { es: 'x'.repeat(81), en: 'Sample' } })).toThrow(/title\.es/);
    expect(reject({ ...valid, steps: valid.steps.slice(0, 2) })).toThrow(/steps/);
    expect(reject({ ...valid, steps: Array(8).fill(valid.steps[0]) })).toThrow(/steps/);
    expect(
      reject({ ...valid, steps: [...valid.steps, { es: 'x'.repeat(301), en: 'ok' }] }),
    ).toThrow(/steps\.3\.es/);
    expect(reject({ ...valid, steps: [{ es: '1. Paso', en: '1. Step' }, ...valid.steps] })).toThrow(
      /numbered/,
    );
    expect(reject({ ...valid, category: 'coffee' })).toThrow(/category/);
    expect(reject({ ...valid, id: 'Sample Playbook' })).toThrow(/kebab-case/);
    expect(reject({ ...valid, summary: { es: '   ', en: 'A sample.' } })).toThrow(/summary\.es/);
    expect(reject({ ...valid, keywords: { es: [], en: ['sample'] } })).toThrow(/keywords\.es/);
    expect(reject({ ...valid, keywords: { es: ['la de'], en: ['sample'] } })).toThrow(/stopwords/);
    expect(reject({ ...valid, selfHelp: 'yes' })).toThrow(/selfHelp/);
    expect(reject({ ...valid, extra: true })).toThrow(/extra|Unrecognized/);
  });

  it('rejects a playbook whose id is not its file name', () => {
    expect(() => parsePlaybook({ file: 'other-name', data: valid })).toThrow(/file name/);
  });

  it('rejects duplicate ids', () => {
    const source = { file: 'sample-playbook', data: valid };
    expect(() => buildPlaybooks([source, source])).toThrow(/sample-playbook: duplicate id/);
  });
});

describe('the index of keywords by their first word', () => {
  /** A small deterministic generator (no flaky seeds). */
  function* random(seed: number) {
    let x = seed;
    for (;;) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      yield x / 2 ** 31;
    }
  }

  it('changes no playbook’s evidence: 3,000 texts of keywords, their variants and noise', () => {
    const playbooks = loadPlaybooks();
    const words = playbooks.flatMap((p) =>
      [...p.keywords.es, ...p.keywords.en].join(' ').split(/\s+/),
    );
    const noise = ['el', 'the', 'no', 'de', 'piso', '3', 'ayer', 'when', 'sale', 'después', 'x'];
    const r = random(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r.next().value! * xs.length)];
    // Variants reach the Spanish prefix rule and the stemmers: letters added, cut or changed.
    const vary = (w: string) => {
      const roll = r.next().value!;
      if (roll < 0.25) return `${w}${pick(['s', 'es', 'o', 'ado', 'ción'])}`;
      if (roll < 0.4 && w.length > 5) return w.slice(0, -1 - Math.floor(r.next().value! * 2));
      if (roll < 0.5) return w.toUpperCase();
      return w;
    };
    let matched = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(r.next().value! * 14);
      const text = Array.from({ length: n }, () =>
        r.next().value! < 0.7 ? vary(pick(words)) : pick(noise),
      ).join(r.next().value! < 0.1 ? ', ' : ' ');
      for (const playbook of playbooks) {
        const indexed = keywordEvidence(playbook, text);
        expect([text, playbook.id, indexed]).toEqual([
          text,
          playbook.id,
          keywordEvidence(playbook, text, true),
        ]);
        if (indexed > 0) matched += 1;
      }
    }
    expect(matched).toBeGreaterThan(3000); // the texts do match, often
  });
});
