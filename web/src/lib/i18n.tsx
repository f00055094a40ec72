import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '@tremolo/protocol';
import type { MessageKey, Messages } from '../locales/en.ts';

export type Lang = Locale;
export type { MessageKey };

/**
 * Each language's strings are a chunk of their own, so a phone downloads only the language it
 * shows: main.tsx loads the detected one before the first render (early.ts has already asked for
 * it, see `loadStrings`), and `setLang` loads the other on a switch.
 */
const loaders: Record<Lang, () => Promise<Messages>> = {
  en: () => import('../locales/en.ts').then((m) => m.en),
  'zh-CN': () => import('../locales/zh-CN.ts').then((m) => m.zhCN),
};
const catalogs: Partial<Record<Lang, Messages>> = {};
const loading: Partial<Record<Lang, Promise<Messages>>> = {};

/** The strings of `lang`, fetched once; a failed fetch may be tried again. */
export function loadStrings(lang: Lang): Promise<Messages> {
  const ready = catalogs[lang];
  if (ready) return Promise.resolve(ready);
  const pending = (loading[lang] ??= loaders[lang]().then(
    (messages) => (catalogs[lang] = messages),
    (error: unknown) => {
      delete loading[lang];
      throw error;
    },
  ));
  return pending;
}

const STORAGE_KEY = 'tremolo.lang';

function stored(): Lang | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'zh-CN' ? v : null;
  } catch {
    return null;
  }
}

/**
 * A saved choice wins; otherwise the first of the browser's languages that we speak, else English.
 * early.ts repeats this rule to ask for the right strings early (it imports nothing); a test checks they agree.
 */
export function pickLang(saved: string | null, prefs: readonly string[]): Lang {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const p of prefs) {
    const l = p.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export function detectLang(): Lang {
  return pickLang(stored(), navigator.languages.length ? navigator.languages : [navigator.language]);
}

/** Every language has the same keys (the catalogues' types say so), so any loaded one answers. */
export function isMessageKey(key: string): key is MessageKey {
  const loaded = Object.values(catalogs)[0];
  return loaded !== undefined && Object.hasOwn(loaded, key);
}

export type Vars = Record<string, string | number>;

export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Vars): string;
  /** Like `t` with `{count}`, using `<key>_one` where the language has a singular (English). */
  tn(key: MessageKey, count: number, vars?: Vars): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(detectLang);
  // Normally already loaded (main.tsx waits for it); otherwise nothing shows until it is.
  const [messages, setMessages] = useState<Messages | undefined>(() => catalogs[lang]);

  useEffect(() => {
    if (messages) return;
    let live = true;
    loadStrings(lang).then(
      (m) => live && setMessages(m),
      () => undefined, // main.tsx already reported the failed load; a reload tries again.
    );
    return () => {
      live = false;
    };
  }, [lang, messages]);

  useEffect(() => {
    if (!messages) return;
    document.documentElement.lang = lang;
    document.title = messages['app.name'];
  }, [lang, messages]);

  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode can refuse storage; the choice then lasts for this tab only.
    }
    // The page keeps its current language until the other's strings have arrived.
    loadStrings(next).then(
      (m) => {
        setMessages(m);
        setLangState(next);
      },
      () => undefined, // Offline: the page stays in its language; the saved choice applies on the next visit.
    );
  }, []);

  const value = useMemo<I18n | null>(() => {
    if (!messages) return null;
    const t = (key: MessageKey, vars?: Vars) => format(messages[key], vars);
    const rules = new Intl.PluralRules(lang);
    const tn = (key: MessageKey, count: number, vars?: Vars) => {
      const one = `${key}_one`;
      const k = rules.select(count) === 'one' && isMessageKey(one) ? one : key;
      return t(k, { ...vars, count });
    };
    return { lang, setLang, t, tn };
  }, [lang, messages, setLang]);
  return value ? <I18nContext.Provider value={value}>{children}</I18nContext.Provider> : null;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
