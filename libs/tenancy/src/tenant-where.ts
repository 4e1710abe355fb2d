import { Brackets, WhereExpressionBuilder } from 'typeorm';
import { TenantScope } from './actor';

let parameterCounter = 0;

/**
 * The tenant filter every customer-owned query goes through: nothing for operators,
 * `column = :customerId` for a customer. Repositories take a TenantScope (not an
 * optional id), so a query without a scope does not compile.
 */
export function tenantWhere(scope: TenantScope, column: string): Brackets {
  return new Brackets((qb: WhereExpressionBuilder) => {
    if (scope.kind === 'operator') {
      qb.where('TRUE');
      return;
    }
    const name = `tenant${(parameterCounter = (parameterCounter + 1) % 1_000_000)}`;
    qb.where(`${column} = :${name}`, { [name]: scope.customerId });
  });
}
