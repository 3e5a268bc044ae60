/**
 * Sentence-averaged polarity, the shape of GIRAFF's TextBlob function (`{polarity, subjectivity, sentence_count}`),
 * scored with the AFINN-165 lexicon of the `sentiment` package, which works offline and handles simple negation
 * ("not good" counts as negative). AFINN has no subjectivity lexicon, so `subjectivity` is not reported.
 */
import Sentiment from "sentiment";

const afinn = new Sentiment();

export interface SentenceScore {
  text: string;
  /** Mean AFINN score of the sentence's scored words divided by 5, in [-1, 1]; 0 when no word is scored. */
  polarity: number;
  /** Sum of the AFINN scores. */
  score: number;
}

export interface Analysis {
  /** Mean of the sentences' polarities, in [-1, 1], as TextBlob's function averages over sentences. */
  polarity: number;
  sentence_count: number;
  sentences: SentenceScore[];
}

/** Sentences end at `.`, `!`, `?` or `…` followed by white space, or at a blank line. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n\s*\n/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

/** Scores one sentence. */
export function scoreSentence(text: string): SentenceScore {
  const result = afinn.analyze(text);
  const scores = result.calculation.flatMap((entry) => Object.values(entry));
  const mean = scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
  return { text, polarity: Math.max(-1, Math.min(1, mean / 5)), score: result.score };
}

/** Scores `text` sentence by sentence and averages the polarities. */
export function analyse(text: string): Analysis {
  const sentences = splitSentences(text).map(scoreSentence);
  const polarity =
    sentences.length === 0 ? 0 : sentences.reduce((sum, sentence) => sum + sentence.polarity, 0) / sentences.length;
  return { polarity, sentence_count: sentences.length, sentences };
}
