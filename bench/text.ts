// Deterministic, realistic-looking comment text and authors for the benchmarks: word-level
// random sentences (so gzip sees text that compresses like prose, not one repeated
// paragraph), names, emails. Shared by the seeder and the load generator.

/** mulberry32: a small seeded PRNG, so every seed run builds the same data set. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a of to and in that is for it with as was on be at by this had not are but from or have an they which ' +
  'one you were her all she there would their we him been has when who will more no if out so said what up ' +
  'its about into than them can only other new some could time these two may then do first any my now such ' +
  'like our over me even most made after also did many before must through back years where much your ' +
  'way well down should because each just those people how too little state good very make world still own ' +
  'see work long get here between both life being under never day same another know while last might ' +
  'us great old year off come since against go came right used take three article argument point however ' +
  'agree disagree interesting thanks really think council budget school road bridge mayor election vote ' +
  'report reporter story source quote interview evidence question answer figures numbers data study ' +
  'neighbourhood city town village river station train bus traffic housing rent prices market shop ' +
  'weather summer winter rain flood festival museum library park garden team match season coach ' +
  'policy minister government plan proposal decision meeting residents families children parents ' +
  'history memory photo picture headline paragraph detail context reason result problem solution ' +
  'probably perhaps certainly clearly honestly frankly actually simply rather quite fairly entirely ' +
  'remember wonder suppose believe understand explain expect hope worry notice consider mention ' +
  'café naïve résumé Zürich São Kraków'
).split(' ');

const FIRST_NAMES = [
  'Anna', 'Jürgen', 'María', 'Chen', 'Olusegun', 'Priya', 'Tom', 'Søren', 'Fatima', 'Kenji', 'Zoë', 'Łukasz',
  'Hannah', 'Diego', 'Aisha', 'Mikko', 'Grace', 'Omar', 'Ines', 'Pavel', 'Lucía', 'Sam', 'Noor', 'Elif',
  'Jonas', 'Mei', 'Kofi', 'Rosa', 'Arjun', 'Claire',
];
const LAST_NAMES = [
  'Schmidt', 'García', 'Wang', 'Adeyemi', 'Sharma', 'Baker', 'Nielsen', 'Haddad', 'Sato', 'Kowalski',
  'Okafor', 'Rossi', 'Dubois', 'Jensen', 'Novak', 'Silva', 'Murphy', 'Yilmaz', 'Kim', 'Fischer',
];

/** One sentence of 5–18 words, capitalised, with the odd comma. */
function sentence(rand: () => number): string {
  const n = 5 + Math.floor(rand() * 14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)]!;
    if (i > 2 && i < n - 2 && rand() < 0.08) w += ',';
    words.push(w);
  }
  const first = words[0]!;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  const end = rand();
  return words.join(' ') + (end < 0.8 ? '.' : end < 0.92 ? '?' : '!');
}

/** A comment body of at least `length` characters, cut at a word boundary past it. */
export function commentBody(rand: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += (out ? ' ' : '') + sentence(rand);
  if (out.length > length + 40) {
    // Cut at the first space after the wanted length: never shorter than asked.
    const cut = out.indexOf(' ', length);
    if (cut > 0) out = out.slice(0, cut).replace(/[,.?!]$/, '') + '.';
  }
  return out;
}

/** Body length: 100–600 characters, most of them short (a reader's comment, not an essay). */
export function bodyLength(rand: () => number): number {
  return Math.round(100 + 500 * Math.pow(rand(), 1.6));
}

export interface BenchAuthor {
  name: string;
  email: string;
}

export function author(rand: () => number, n: number): BenchAuthor {
  const first = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)]!;
  const last = LAST_NAMES[Math.floor(rand() * LAST_NAMES.length)]!;
  const ascii = `${first}.${last}`.normalize('NFD').replace(/[^\x00-\x7f]/g, '').replace(/[^A-Za-z.]/g, '').toLowerCase();
  return { name: `${first} ${last}`, email: `${ascii}.${n}@example.net` };
}
