import { Module } from '@nestjs/common';
import { RequestAuthenticator } from './auth/request-authenticator';
import { BilledCustomers } from './customers/billed-customers';
import { CustomerRepository } from './customers/customer.repository';
import { CustomerService } from './customers/customer.service';
import { ApiTokenRepository } from './tokens/api-token.repository';
import { TokenService } from './tokens/token.service';
import { UserRepository } from './users/user.repository';
import { UserSshKeyRepository } from './ssh-keys/user-ssh-key.repository';
import { UserSshKeyService } from './ssh-keys/user-ssh-key.service';
import { UserService } from './users/user.service';

@Module({
  providers: [RequestAuthenticator, BilledCustomers, CustomerRepository, CustomerService, ApiTokenRepository, TokenService, UserRepository, UserService, UserSshKeyRepository, UserSshKeyService],
  exports: [RequestAuthenticator, BilledCustomers, CustomerService, TokenService, UserService, UserSshKeyService],
})
export class TenancyModule {}
