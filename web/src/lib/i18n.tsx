import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '@tremolo/protocol';
import { en, type MessageKey, type Messages } from '../locales/en.ts';
import { zhCN } from '../locales/zh-CN.ts';

export type Lang = Locale;
export type { MessageKey };

const catalogs: Record<Lang, Messages> = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'tremolo.lang';

function stored(): Lang | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'zh-CN' ? v : null;
  } catch {
    return null;
  }
}

/** A saved choice wins; otherwise the browser's first language that we speak, else English. */
function detectLang(): Lang {
  const saved = stored();
  if (saved) return saved;
  const prefs = navigator.languages.length ? navigator.languages : [navigator.language];
  for (const p of prefs) {
    const l = p.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
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

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = catalogs[lang]['app.name'];
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode can refuse storage; the choice then lasts for this tab only.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const t = (key: MessageKey, vars?: Vars) => format(catalogs[lang][key], vars);
    const rules = new Intl.PluralRules(lang);
    const tn = (key: MessageKey, count: number, vars?: Vars) => {
      const one = `${key}_one`;
      const k = rules.select(count) === 'one' && isMessageKey(one) ? one : key;
      return t(k, { ...vars, count });
    };
    return { lang, setLang, t, tn };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
