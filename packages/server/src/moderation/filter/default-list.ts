/**
 * The built-in list: strong profanity, slurs and self-harm incitement in Korean, Japanese and English, chosen so
 * ordinary fan chat passes (the tests hold both lists). Words with an innocent everyday sense are left out
 * (새끼 "young animal", 걸레 "mop", 보지 and 자지 as forms of "see" and "sleep", 죽어 in 웃겨 죽어, 殺す in
 * 尊すぎて殺される, バカ in ばかわいい, チョン in チョン・ジョングク) or get an
 * allowed word (시발점 "starting point"). Each community chooses what this list does (block, hold, mask or off)
 * and adds its own terms and allowed words on top.
 */
import type { FilterMatch } from '@lightstick/protocol';

export interface BuiltinTerm {
  term: string;
  match?: FilterMatch;
}

const anywhere = (...terms: string[]): BuiltinTerm[] => terms.map((term) => ({ term, match: 'anywhere' }));
const part = (...terms: string[]): BuiltinTerm[] => terms.map((term) => ({ term, match: 'part' }));
const word = (...terms: string[]): BuiltinTerm[] => terms.map((term) => ({ term, match: 'word' }));

export const BUILTIN_TERMS: readonly BuiltinTerm[] = [
  // Korean: matched across spaces and split jamo.
  ...anywhere(
    '씨발',
    '시발',
    '씨빨',
    '씨바',
    '씌발',
    'ㅅㅂ',
    'ㅆㅂ',
    '병신',
    'ㅂㅅ',
    '븅신',
    '개새끼',
    '개새기',
    '개색기',
    '개색끼',
    '개세끼',
    '좆',
    '존나',
    'ㅈㄴ',
    '지랄',
    'ㅈㄹ',
    '미친년',
    '미친놈',
    '니애미',
    '느금마',
    '애미뒤진',
    '엠창',
    '썅년',
    '창녀',
    '한남충',
    '김치녀',
    '틀딱',
    '자살해',
    '뒤져라',
  ),
  // Japanese: kana folded (ｼﾈ, シネ, しね are one); short words whole only.
  ...anywhere(
    '死ね',
    '氏ね',
    'ぶっ殺す',
    'ぶっころす',
    'ちんこ',
    'まんこ',
    '売女',
    '池沼',
    'ガイジ',
    'ファック',
    '自殺しろ',
  ),
  ...word('しね', 'きもい', 'ブス', 'デブ', 'カス', 'クズ', 'ころすぞ'),
  // English: whole words, except roots that only ever mean one thing.
  ...part('fuck', 'bitch', 'asshole', 'whore', 'slut', 'nigger', 'nigga', 'faggot', 'cunt'),
  ...word(
    'shit',
    'shitty',
    'bullshit',
    'bastard',
    'dick',
    'dickhead',
    'ass',
    'fag',
    'retard',
    'retarded',
    'kys',
  ),
  ...word('kill yourself', 'go die'),
];

/** Innocent words that contain a built-in term. */
export const BUILTIN_ALLOW: readonly string[] = ['시발점', '시발역', '시발택시', 'scunthorpe'];
