using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orders.Processor.SagaRepository;

public static class SagaRepositoryExtensions
{
    /// <summary>
    /// Registers <see cref="ISagaTransactions"/> for the saga <typeparamref name="TSaga"/> on <typeparamref name="TContext"/>:
    /// several messages in one transaction, through the saga repository
    /// <see cref="EntityFrameworkSagaRepositoryContextFactory{TContext, TSaga}"/>.
    /// </summary>
    public static IServiceCollection AddSagaTransactions<TContext, TSaga>(this IServiceCollection services)
        where TContext : DbContext
        where TSaga : class, ISaga
    {
        services.TryAddScoped<CurrentSagaBatch<TSaga>>();
        services.TryAddSingleton<ISagaTransactions, EntityFrameworkSagaTransactions<TContext, TSaga>>();
        return services;
    }
}
