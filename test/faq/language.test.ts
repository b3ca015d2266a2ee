import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFaq } from '../../src/faq/faq.js';
import { loadEvaluationSets } from '../../src/faq/labelled.js';
import { Languages, loadLanguages } from '../../src/faq/language.js';
import { answerText } from '../../src/faq/render-text.js';

const faq = loadFaq();
/** What the attendee reads: the same text `workshop-bot faq` and the Slack message show. */
const reply = (question: string) => answerText(faq, faq.ask(question));
const HONEST = /^I answer course questions in English, and I could not tell for sure what this question in (\w+) asks\./;

/** Course questions in each language (none from the eval sets), the topic that answers them and a fact of its answer. */
const COURSE: Array<[question: string, language: string, title: string, fact: string]> = [
  ['Wie finde ich die IP-Adresse eines Containers?', 'German', 'How do I find the IP address of a container?', 'docker inspect'],
  ['Was passiert, wenn der Master abstürzt?', 'German', 'What happens if the master is killed?', 'keep running'],
  ['Comment supprimer mon application dans Marathon ?', 'French', 'How can I destroy an application?', 'DELETE'],
  ['Comment voir combien de ressources il reste dans le cluster ?', 'French', 'How much resources the cluster has left', 'used_resources'],
  ['¿Cómo cambio la versión de Mesos en minimesos?', 'Spanish', 'How do I change the Mesos version in minimesos?', 'mesosVersion'],
  ['O que acontece se o master cair?', 'Portuguese', 'What happens if the master is killed?', 'keep running'],
  ['Come elimino la mia applicazione da marathon?', 'Italian', 'How can I destroy an application?', 'DELETE'],
  ['Wat gebeurt er als de master crasht?', 'Dutch', 'What happens if the master is killed?', 'keep running'],
  ['Jak zmienić wersję Mesosa w minimesos?', 'Polish', 'How do I change the Mesos version in minimesos?', 'mesosVersion'],
  // "How does X work" is a phrase of its own in every language: "funktioniert" alone read as "works" left the topic unsure.
  ['Wie funktioniert die Leader-Wahl?', 'German', 'How does leader election work?', 'lowest sequence number'],
  ["Comment fonctionne l'élection du leader ?", 'French', 'How does leader election work?', 'lowest sequence number'],
  ['Jak działa wybór lidera?', 'Polish', 'How does leader election work?', 'lowest sequence number'],
  ['Mein Task hängt in STAGING, was tun?', 'German', 'stuck', 'STAGING'],
  // The outline's Advanced and Frameworks questions, whose verbs and nouns (authenticate, roles, monitor, write, dies) were unknown.
  ['Wie authentifiziere ich ein Framework?', 'German', 'How do I authenticate a framework?', 'principal'],
  ['Wie konfiguriere ich Rollen-Reservierungen?', 'German', 'role reservations', 'role'],
  ['Comment surveiller mon cluster ?', 'French', 'monitor', 'metrics/snapshot'],
  ['Como escrevo um framework?', 'Portuguese', 'How do I write a framework?', 'HTTP'],
  ['O que acontece se o scheduler morrer?', 'Portuguese', 'scheduler', 'failover_timeout'],
  ['Jak napisać framework?', 'Polish', 'How do I write a framework?', 'HTTP'],
  // "tourne" and "corriendo" are running, not run ("what run cluster" got good utilization); commands, choosing, startup.
  ["Qu'est-ce qui tourne sur le cluster ?", 'French', 'what is running', '/state tasks'],
  ['¿Qué está corriendo en el cluster?', 'Spanish', 'what is running', '/state tasks'],
  ['Hoe voer ik een shell commando uit op Marathon?', 'Dutch', 'shell command', '"cmd"'],
  ['Wie kann ich steuern, wo meine App deployt wird?', 'German', 'where my application gets deployed', 'constraints'],
  ['Wie starte ich Apps automatisch beim Start von minimesos?', 'German', 'when minimesos starts', 'minimesosFile'],
  ['O que significa cpus=1.5?', 'Portuguese', 'cpus=1.5', 'shares'],
  ['Wie prüfe ich meinen Fortschritt?', 'German', 'check my progress', '/check'],
  ['Jak sprawdzić mój postęp?', 'Polish', 'check my progress', '/check'],
  // An application of another language is an app: "application" alone got the difference between an application and a framework.
  ['No veo mi aplicación en Marathon', 'Spanish', "Why don't I see my app in Marathon?", '/state marathon'],
  ['Was ist der Unterschied zwischen Framework und Anwendung?', 'German', 'difference between an application and a framework', 'Marathon'],
];

/** Questions in other languages that are not about the course, or name another product: never answered. */
const OFF_COURSE: Array<[question: string, language: string]> = [
  ['Wo kann ich mein Fahrrad abstellen?', 'German'],
  ['Wie installiere ich Kubernetes auf meinem Laptop?', 'German'],
  ['Où est la gare la plus proche ?', 'French'],
  ['Comment installer Kubernetes sur mon ordinateur ?', 'French'],
  ['¿A qué hora termina el taller?', 'Spanish'],
  ['¿Cómo uso kubectl para escalar un pod?', 'Spanish'],
  ['¿Hay enchufes para cargar el portátil?', 'Spanish'],
  ['Onde posso tomar um café?', 'Portuguese'],
  ['Dove posso lasciare la giacca?', 'Italian'],
  ['Waar kan ik mijn fiets parkeren?', 'Dutch'],
  ['Gdzie jest najbliższy sklep?', 'Polish'],
  ['Wie schreibe ich einen Brief?', 'German'],
  ['Comment surveiller mes enfants ?', 'French'],
  ['Qual é o papel do gerente?', 'Portuguese'],
  ['Gibt es eine Reservierung für das Abendessen?', 'German'],
  ['Cosa gira stasera al cinema?', 'Italian'],
  ['Hoe kies ik een goede laptop?', 'Dutch'],
];

describe('FAQ questions in other languages', () => {
  it('answers a clear course question in English, says so first, and gives the fact', () => {
    for (const [question, , title, fact] of COURSE) {
      const text = reply(question);
      expect(text.startsWith('I answer in English:\n*'), question).toBe(true);
      expect(text.toLowerCase(), question).toContain(title.toLowerCase().replace(/\?$/, ''));
      expect(text, question).toContain(fact);
    }
  });

  it('answers "how do I start a cluster" with minimesos up, in English and in German (it got minimesos destroy)', () => {
    for (const question of ['how do I start a cluster with minimesos?', 'wie starte ich einen cluster mit minimesos?']) {
      const result = faq.ask(question);
      expect(result.topic?.id, question).toBe('minimesos-up');
      expect(answerText(faq, result)).toContain('`minimesos up`');
    }
  });

  it('reads a phrase of the language whole, with its course words and single letters ("qué es", "o que é", "cos\'è")', () => {
    // "es" read as Elasticsearch got how to deploy ELK; "o que é" and "cos'è" were no language, or French.
    for (const [question, language, topic] of [
      ['Qué es Mesos?', 'Spanish', 'what-is-mesos'],
      ['que es marathon', 'Spanish', 'what-is-marathon'],
      ['O que é o Marathon?', 'Portuguese', 'what-is-marathon'],
      ["Cos'è un framework?", 'Italian', 'what-is-framework'],
    ] as const) {
      const result = faq.ask(question);
      expect(result.language, question).toBe(language);
      expect(result.topic?.id, question).toBe(topic);
    }
    // In English, "es" is still Elasticsearch.
    expect(faq.ask('how do I scale es').topic?.id).toBe('es-does-not-scale');
  });

  it('never gives another topic as the answer to a question in another language that is not about the course', () => {
    for (const [question, language] of OFF_COURSE) {
      const result = faq.ask(question);
      expect(result.topic, question).toBeNull();
      expect(result.language, question).toBe(language);
      const text = reply(question);
      expect(text, question).toMatch(HONEST);
      expect(text.match(HONEST)![1]).toBe(language);
      expect(text, question).toContain('Ask again in English, or ask the instructor.');
    }
  });

  it('refuses, with the closest topics, a course question it reads only in part, rather than guess', () => {
    // "Schnittstelle" (interface) and "vergleichen" (compare) are no words it knows: the topic may hide in them.
    const result = faq.ask('Wie kann ich die Schnittstelle von Marathon mit der von Mesos vergleichen?');
    expect(result.topic).toBeNull();
    expect(result.suggestions.length).toBeGreaterThan(0);
    const text = reply('Wie kann ich die Schnittstelle von Marathon mit der von Mesos vergleichen?');
    expect(text).toMatch(HONEST);
    expect(text).toContain('Closest topics:\n•');
  });

  it('answers no question of the language eval sets with another topic than its own', () => {
    const sets = loadEvaluationSets().filter((set) => set.name.startsWith('faqlang'));
    expect(sets.map((set) => set.name).sort()).toEqual(['faqlang-heldout', 'faqlang-p']);
    for (const { q, topic } of sets.flatMap((set) => set.questions)) {
      const got = faq.ask(q).topic?.id ?? null;
      expect([topic, null], q).toContain(got);
    }
  });

  it('keeps English English: typed, misspelt, texting, or with one foreign-looking word', () => {
    for (const question of [
      'es wont scale up y??',
      'print the agent state json via minimesos cli',
      'python -m http.server as marathon app how',
      'how do i kil my cluster',
      'ip per container??',
    ])
      expect(faq.ask(question).language, question).toBeUndefined();
  });

  it('reads English typed in a hurry spelled out, and answers it', () => {
    expect(faq.ask('how do i kil the minimesos cluster').topic?.id).toBe('minimesos-destroy');
    expect(faq.ask('wher is the stdout of my task').topic?.id).toBe('find-logs');
    expect(faq.ask('y is my app stuck waiting').topic?.id).toBe('task-stuck');
  });

  it('answers each question in another language within 50 ms', () => {
    for (const [question] of [...COURSE, ...OFF_COURSE]) {
      const start = performance.now();
      faq.ask(question);
      expect(performance.now() - start, question).toBeLessThan(50);
    }
  });
});

describe('Languages', () => {
  const languages = new Languages({
    english: ['the', 'how', 'is'],
    texting: { where: ['wher'] },
    languages: {
      de: { name: 'German', letters: 'ß', function: ['ich', 'der', 'die'], words: { 'how do i': ['wie'], delete: ['lösche'] } },
    },
  });
  const knowledge = {
    isEnglish: (word: string) => word === 'die',
    isCourse: (word: string) => word === 'cluster',
    knows: (word: string) => ['cluster', 'zookeeper'].includes(word),
  };

  it('reads a message in another language word by word into English, with accents or without, and names what it cannot read', () => {
    expect(languages.read('Wie lösche ich den Cluster?', knowledge)).toEqual({
      language: 'German',
      english: 'how do i delete den cluster',
      unclear: ['den'],
    });
    expect(languages.read('wie losche ich der Zookeepera', knowledge)?.english).toBe('how do i delete zookeeper');
  });

  it('needs two words of the language, more than English ones, and no course or English word counts', () => {
    expect(languages.read('how is the cluster ich', knowledge)).toBeUndefined();
    expect(languages.read('die cluster', knowledge)).toBeUndefined();
    expect(languages.read('ich die der', knowledge)?.language).toBe('German');
  });

  it('spells out texting forms of whole English words only', () => {
    expect(languages.texting('wher is state.json, Wher is $WHER?')).toBe('where is state.json, where is $WHER?');
  });

  it('names the entry when a word of a language means two things', () => {
    expect(
      () =>
        new Languages({
          english: [],
          texting: {},
          languages: { de: { name: 'German', function: [], words: { start: ['anlegen'], create: ['anlegen'] } } },
        }),
    ).toThrow('languages: de "anlegen" is both "start" and "create"');
  });

  it('refuses a languages file with a malformed entry, naming the file and the entry', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'languages-')), 'languages.yaml');
    await writeFile(path, 'english: [the]\ntexting: {}\nlanguages:\n  de: {name: German, function: [ich], words: [wie]}\n');
    expect(() => loadLanguages(path)).toThrow(`${path}: de.words must map words to lists of words`);
  });
});
