using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace MediaCenter.Silo;

/// <summary>
/// The JSON grain state is stored as (Orleans' ADO.NET storage, Newtonsoft). Orleans' default writes a type name and a reference id
/// on every object and wraps every list in one: a story's state was 14 KB, most of it type names, serialized and compressed on every
/// command. Compact names a type only where the declared type does not say it (an abstract record, <c>object</c>), never on a list
/// declared as a list interface (it reads back as a list), and writes a shared object in each place it appears; the stored records
/// are immutable, so nothing relied on shared identity. Reading honours <c>$type</c>, <c>$id</c>, <c>$ref</c> and <c>$values</c>
/// wherever they are present, so states written in either format read back.
/// </summary>
public static class GrainStateJson
{
    /// <summary>Sets the format on Orleans' settings (left as Orleans' default when not <paramref name="compact"/>).</summary>
    public static void Apply(JsonSerializerSettings settings, bool compact)
    {
        if (!compact)
        {
            return;
        }

        settings.TypeNameHandling = TypeNameHandling.Auto;
        settings.PreserveReferencesHandling = PreserveReferencesHandling.None;
        // Orleans leaves the resolver at Newtonsoft's default; one of its own would be kept (and lists keep their type names).
        if (settings.ContractResolver is null || settings.ContractResolver.GetType() == typeof(DefaultContractResolver))
        {
            settings.ContractResolver = new ListsWithoutTypeNames();
        }
    }

    /// <summary>
    /// A property declared as <see cref="IReadOnlyList{T}"/>, <see cref="IEnumerable{T}"/> and the like is written as a plain array
    /// (its items keep their own type names where they need them) and read back as a <see cref="List{T}"/>, whatever collection
    /// held it when written.
    /// </summary>
    private sealed class ListsWithoutTypeNames : DefaultContractResolver
    {
        private static readonly Type[] ListInterfaces =
            [typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>), typeof(IList<>), typeof(ICollection<>), typeof(IEnumerable<>)];

        protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
        {
            var property = base.CreateProperty(member, memberSerialization);
            if (property.PropertyType is { IsInterface: true, IsGenericType: true } type && ListInterfaces.Contains(type.GetGenericTypeDefinition()))
            {
                property.TypeNameHandling = TypeNameHandling.None;
                property.ItemTypeNameHandling = TypeNameHandling.Auto;
            }

            return property;
        }
    }
}
