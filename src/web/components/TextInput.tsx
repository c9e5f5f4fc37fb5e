/** A text field applied on Enter or when it is left, not on every key (each change is a new URL and a new API call). */

import { useEffect, useState } from 'react';

export function TextInput({ name, value, placeholder, apply }: { name: string; value: string; placeholder: string; apply: (value: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <input
      name={name}
      type="text"
      value={text}
      placeholder={placeholder}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && apply(text.trim())}
      onKeyDown={(e) => e.key === 'Enter' && apply(text.trim())}
    />
  );
}
