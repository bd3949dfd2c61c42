import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Sign up', template: '%s · Sign up' },
  description: 'Create an account.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <main className="card">{children}</main>
      </body>
    </html>
  );
}
