import type { ReactNode } from 'react'

/** A table's header row: one column header (`scope="col"`) per entry, in order. */
export function ColumnHeaders({ columns }: { columns: ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) => (
          <th key={index} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  )
}
